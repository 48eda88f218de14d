/** Gateway processes started the way operators start them, for scale-out and shutdown tests. */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

export interface GatewayProcess {
  child: ChildProcess
  output: () => string
  /** Resolves with the gateway's URL once it listens. */
  url: Promise<string>
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

export function spawnGateway(env: Record<string, string>): GatewayProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      LOG_LEVEL: 'info',
      REPLICA: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let resolveUrl: (url: string) => void = () => undefined
  let rejectUrl: (err: Error) => void = () => undefined
  const url = new Promise<string>((resolve, reject) => {
    resolveUrl = resolve
    rejectUrl = reject
  })
  const onData = (chunk: Buffer) => {
    out += chunk.toString()
    const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
    if (match !== null) resolveUrl(match[1] as string)
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  child.once('exit', (code) => rejectUrl(new Error(`gateway exited (${code}) before listening:\n${out}`)))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    output: () => out,
    url,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal)
      return exited
    },
  }
}

/** Waits until the process has printed something matching `pattern`, and returns the match. */
export async function waitForOutput(gateway: GatewayProcess, pattern: RegExp, ms = 15_000): Promise<RegExpExecArray> {
  const end = Date.now() + ms
  for (;;) {
    const match = pattern.exec(gateway.output())
    if (match !== null) return match
    if (Date.now() > end || gateway.child.exitCode !== null) throw new Error(`no ${pattern} in:\n${gateway.output()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
