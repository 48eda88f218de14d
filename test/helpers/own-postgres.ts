/**
 * A PostgreSQL server of a test's own (initdb and pg_ctl as the `postgres` user, on a port of
 * its own, trust authentication on loopback), that the test can crash (SIGKILL of the
 * postmaster: every backend goes with it, as in a real crash) and start again on its data.
 * The machine's shared server is never touched.
 */
import { execFile } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { answers, freePort } from './ports.js'

const run = promisify(execFile)
const BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin'

export interface OwnPostgres {
  url: string
  /** SIGKILL of the postmaster. */
  crash(): Promise<void>
  start(): Promise<void>
  close(): Promise<void>
}

/** Runs a PostgreSQL program as the `postgres` user (the server refuses to run as root). */
function asPostgres(program: string, args: string[]) {
  const command = [join(BIN, program), ...args]
  return process.getuid?.() === 0
    ? run('runuser', ['-u', 'postgres', '--', ...command])
    : run(command[0] as string, args)
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-pg-'))
  chmodSync(dir, 0o777)
  const data = join(dir, 'data')
  const port = await freePort()
  if (process.getuid?.() === 0) await run('chown', ['postgres', dir])
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`
  const start = async () => {
    await asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start'])
  }
  await start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async crash() {
      const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0])
      process.kill(pid, 'SIGKILL')
      // The backends notice their postmaster gone and exit; wait until the port is free.
      for (let i = 0; i < 100 && (await answers(port)); i++) await new Promise((r) => setTimeout(r, 100))
    },
    start,
    async close() {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
