/**
 * The driver side of the server processes: fork one (compiled, or with tsx), hand it its options, wait until
 * it listens, read its memory (from /proc where there is one, else over IPC) and stop it.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Build } from './build.js'
import type { ChildMessage, ParentMessage } from './protocol.js'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

interface MemoryReport {
  rss: number
  heapUsed: number
  external: number
  arrayBuffers: number
}

interface RssSampler {
  /** Stops sampling: the highest RSS seen (bytes) and every sample taken. */
  stop(): Promise<{ peak: number; samples: Array<{ at: number; rss: number }> }>
}

export interface ServerProcess<I = unknown> {
  name: string
  pid: number
  url: string
  info: I
  rss(): Promise<number>
  memory(options?: { gc?: boolean }): Promise<MemoryReport>
  sampleRss(intervalMs?: number): RssSampler
  /** The V8 CPU profiler in the server's main thread, from now until `stopProfile` writes `file`. */
  startProfile(): Promise<void>
  stopProfile(file: string): Promise<void>
  stop(): Promise<void>
}

export interface StartOptions {
  /** Extra node flags (`--cpu-prof`, `--expose-gc`). */
  execArgv?: string[]
  readyTimeoutMs?: number
  /** Run the server compiled (see build.ts) rather than through tsx. */
  build?: Build
  /** The Node binary to run it with (default: the driver's own). */
  execPath?: string
}

const live = new Set<ChildProcess>()
// A crash or ^C of the driver must not leave servers behind.
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

export async function startServer<I = unknown>(
  name: string,
  file: string,
  options: unknown,
  start: StartOptions = {},
): Promise<ServerProcess<I>> {
  const child = fork(
    start.build === undefined
      ? path.join(ROOT, 'bench', 'servers', file)
      : path.join(start.build.dir, 'bench', 'servers', file.replace(/\.ts$/, '.js')),
    [],
    {
      cwd: start.build?.dir ?? ROOT,
      ...(start.execPath === undefined ? {} : { execPath: start.execPath }),
      execArgv: [...(start.build === undefined ? ['--import', 'tsx'] : []), ...(start.execArgv ?? [])],
      // Log lines go nowhere: writing them still costs what it costs in production.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  )
  live.add(child)
  const pid = child.pid
  if (pid === undefined) throw new Error(`${name}: could not start`)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-16_384)
  })
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child)
      resolve()
    }),
  )

  const send = (message: ParentMessage) => child.send(message)
  let nextId = 1
  const pending = new Map<number, (m: MemoryReport) => void>()
  const commands = new Map<number, { resolve: () => void; reject: (err: Error) => void }>()
  child.on('message', (message: ChildMessage) => {
    if (message.type === 'done') {
      const command = commands.get(message.id)
      commands.delete(message.id)
      if (message.error === undefined) command?.resolve()
      else command?.reject(new Error(`${name}: ${message.error}`))
      return
    }
    if (message.type !== 'memory') return
    const resolve = pending.get(message.id)
    pending.delete(message.id)
    resolve?.({
      rss: message.rss,
      heapUsed: message.heapUsed,
      external: message.external,
      arrayBuffers: message.arrayBuffers,
    })
  })
  const command = (message: (id: number) => ParentMessage) =>
    new Promise<void>((resolve, reject) => {
      const id = nextId++
      commands.set(id, { resolve, reject })
      send(message(id))
    })

  const ready = await new Promise<{ url: string; info: unknown }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within ${start.readyTimeoutMs ?? 60_000} ms\n${stderr}`)),
      start.readyTimeoutMs ?? 60_000,
    )
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer)
        resolve({ url: message.url, info: message.info })
      } else if (message.type === 'failed') {
        clearTimeout(timer)
        reject(new Error(`${name} failed to start: ${message.error}`))
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited (${code}) before it was ready\n${stderr}`))
    })
    send({ type: 'start', options })
  })

  const memory = (opts: { gc?: boolean } = {}) =>
    new Promise<MemoryReport>((resolve, reject) => {
      const id = nextId++
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new Error(`${name} did not report its memory`))
      }, 10_000)
      pending.set(id, (m) => {
        clearTimeout(timer)
        resolve(m)
      })
      send({ type: 'memory', id, ...(opts.gc === true ? { gc: true } : {}) })
    })

  const rss = async (): Promise<number> => {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8')
      const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]
      if (kb !== undefined) return Number(kb) * 1024
    } catch {
      // No procfs (not Linux): ask the process itself.
    }
    return (await memory()).rss
  }

  return {
    name,
    pid,
    url: ready.url,
    info: ready.info as I,
    rss,
    memory,
    sampleRss(intervalMs = 100) {
      const samples: Array<{ at: number; rss: number }> = []
      let running = true
      const loop = (async () => {
        while (running) {
          samples.push({ at: Date.now(), rss: await rss() })
          await new Promise((r) => setTimeout(r, intervalMs))
        }
      })()
      return {
        async stop() {
          running = false
          await loop
          return { peak: samples.reduce((max, s) => Math.max(max, s.rss), 0), samples }
        },
      }
    },
    startProfile: () => command((id) => ({ type: 'profile-start', id })),
    stopProfile: (file: string) => command((id) => ({ type: 'profile-stop', id, file })),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      send({ type: 'stop' })
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    },
  }
}
