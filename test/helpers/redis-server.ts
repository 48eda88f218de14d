/**
 * A Redis server of a test's own, on its own port, that the test can stop and start again (it
 * keeps its data on disk, as a production Redis holding idempotency records must).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { answers, freePort } from './ports.js'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface OwnRedis {
  url: string
  /** SIGTERM by default; SIGKILL plays a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>
  /** `empty`: without the data it kept, as a Redis without persistence comes back. */
  start(options?: { empty?: boolean }): Promise<void>
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-redis-'))
  let child: ChildProcess | undefined
  const start = async (options: { empty?: boolean } = {}) => {
    if (options.empty === true)
      for (const file of readdirSync(dir)) rmSync(join(dir, file), { recursive: true, force: true })
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ],
      {
        stdio: 'ignore',
      },
    )
    for (let i = 0; i < 100 && !(await answers(port)); i++) await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const exited = new Promise((resolve) => child?.once('exit', resolve))
      child?.kill(signal)
      await exited
    },
  }
}
