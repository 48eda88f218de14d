import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { request } from 'undici'

const root = fileURLToPath(new URL('..', import.meta.url))
const children: ChildProcess[] = []

/**
 * A clean environment: none of the developer's upstream or key settings leak in, and each
 * server keeps its replica store in a folder of its own.
 */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-server-')),
  }
  return { ...env, ...extra }
}

function startServer(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()))
  return { child, output: () => out }
}

async function waitFor(predicate: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 50))
  }
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

describe('server', () => {
  it('starts in sandbox mode, prints a key, serves messages and stops on SIGTERM', async () => {
    const started = Date.now()
    const { child, output } = startServer({ PORT: '0', LOG_LEVEL: 'warn' })
    await waitFor(() => /API key: +(\S+)/.test(output()), 15_000)
    const key = /API key: +(\S+)/.exec(output())?.[1] as string
    const api = /API: +(\S+)/.exec(output())?.[1] as string
    expect(output()).toMatch(/Reference: +http:\/\/127\.0\.0\.1:\d+\/docs/)

    const res = await request(`${api}?source=batchbook&limit=3`, { headers: { authorization: `Bearer ${key}` } })
    const body = (await res.body.json()) as { data: unknown[] }
    expect(res.statusCode).toBe(200)
    expect(body.data).toHaveLength(3)
    expect(Date.now() - started).toBeLessThan(15_000)

    child.kill('SIGTERM')
    const [code] = await once(child, 'exit')
    expect(code).toBe(0)
  })

  it('refuses bad configuration with one line per problem and exit code 1', async () => {
    const { child, output } = startServer({
      BATCHBOOK_ACCOUNT: 'bad.host',
      BATCHBOOK_TOKEN: 'secret-token-value',
      PORT: 'x',
    })
    const [code] = await once(child, 'exit')
    expect(code).toBe(1)
    expect(output()).toContain("PORT: 'x' must be a whole number from 0 to 65535")
    expect(output()).toContain("BATCHBOOK_ACCOUNT: 'bad.host' is not a valid host label")
    expect(output()).not.toContain('secret-token-value')
  })

  it('refuses to start the sandbox in production unless asked to', async () => {
    const { child, output } = startServer({ NODE_ENV: 'production', PORT: '0' })
    const [code] = await once(child, 'exit')
    expect(code).toBe(1)
    expect(output()).toMatch(/^ {2}- SWITCHBOARD_SANDBOX: NODE_ENV is production and no upstream credentials are set/m)
    expect(output()).not.toContain('sandbox mode')
  })
})
