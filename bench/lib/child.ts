/**
 * The child side of a server under test: it waits for its options over IPC, starts, reports
 * where it listens, answers memory questions and exits on request (so that `--cpu-prof`
 * writes its profile). Every server of the benchmark runs in a process of its own, so its
 * memory is its own.
 */
import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector'
import type { ChildMessage, ParentMessage } from './protocol.js'

export interface Started {
  url: string
  /** Anything else the parent needs (credentials, origins). */
  info?: unknown
  close(): Promise<void>
}

function send(message: ChildMessage): void {
  process.send?.(message)
}

let session: Session | undefined

function post<T = unknown>(method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    if (session === undefined) {
      session = new Session()
      session.connect()
    }
    session.post(method, params, (err, result) => (err === null ? resolve(result as T) : reject(err)))
  })
}

async function startProfile(): Promise<void> {
  await post('Profiler.enable')
  // 1 ms, the interval `node --cpu-prof` samples at.
  await post('Profiler.setSamplingInterval', { interval: 1000 })
  await post('Profiler.start')
}

async function stopProfile(file: string): Promise<void> {
  const { profile } = await post<{ profile: unknown }>('Profiler.stop')
  await writeFile(file, JSON.stringify(profile))
  await post('Profiler.disable')
}

function settle(id: number, work: Promise<void>): void {
  work.then(
    () => send({ type: 'done', id }),
    (err: unknown) => send({ type: 'done', id, error: String(err) }),
  )
}

/** Runs `start` with the options the parent sends, then serves the control protocol. */
export function serveChild<O>(start: (options: O) => Promise<Started>): void {
  if (process.send === undefined) {
    process.stderr.write('This file is a benchmark server: it is started by bench/run.ts or bench/soak.ts over IPC.\n')
    process.exit(2)
  }
  let started: Started | undefined
  let stopping = false
  process.on('message', (raw: ParentMessage) => {
    switch (raw.type) {
      case 'start':
        start(raw.options as O).then(
          (s) => {
            started = s
            send({ type: 'ready', url: s.url, info: s.info ?? null })
          },
          (err: unknown) => {
            send({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
            process.exit(1)
          },
        )
        return
      case 'memory': {
        if (raw.gc === true) (globalThis as { gc?: () => void }).gc?.()
        const m = process.memoryUsage()
        send({
          type: 'memory',
          id: raw.id,
          rss: m.rss,
          heapUsed: m.heapUsed,
          external: m.external,
          arrayBuffers: m.arrayBuffers,
        })
        return
      }
      case 'profile-start':
        settle(raw.id, startProfile())
        return
      case 'profile-stop':
        settle(raw.id, stopProfile(raw.file))
        return
      case 'stop':
        if (stopping) return
        stopping = true
        void (started?.close() ?? Promise.resolve()).catch(() => undefined).finally(() => process.exit(0))
        return
    }
  })
  // The parent going away takes the child with it: no server outlives its benchmark.
  process.on('disconnect', () => process.exit(0))
}
