/**
 * A Redis server of a test's own, on its own port, that the test can stop and start again (it
 * keeps its data on disk, as a production Redis holding idempotency records must).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { answers, freePort } from './ports.js'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface OwnRedis {
  url: string
  stop(): Promise<void>
  start(): Promise<void>
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-redis-'))
  let child: ChildProcess | undefined
  const start = async () => {
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
    async stop() {
      const exited = new Promise((resolve) => child?.once('exit', resolve))
      child?.kill('SIGTERM')
      await exited
    },
  }
}
