/**
 * One measurement: autocannon against one server, a warm-up whose numbers are dropped, then a
 * timed run while the server's RSS is sampled. Requests walk a list of paths round-robin
 * across all connections, so concurrent requests ask for different records.
 */
import autocannon from 'autocannon'
import type { ServerProcess } from './processes.js'

export interface LoadSpec {
  paths: string[]
  headers?: Record<string, string>
}

export interface LoadOptions {
  warmupS: number
  durationS: number
  connections: number
  /** Read before and after the timed run (e.g. upstream requests so far); the difference is reported per request. */
  counter?: () => Promise<number>
  /** Called just before and just after the timed run (e.g. to profile it alone). */
  timed?: { start(): Promise<void>; stop(): Promise<void> }
}

export interface Measurement {
  /** Successful (2xx) answers per second of the timed run. */
  rps: number
  p50: number
  p99: number
  requests: number
  non2xx: number
  errors: number
  timeouts: number
  /** Highest RSS of the server process sampled during the timed run (bytes). */
  peakRss: number
  durationS: number
  /** Counter difference over the timed run per answered request (upstream calls per request). */
  perRequest: number | null
}

function run(url: string, spec: LoadSpec, durationS: number, connections: number): Promise<autocannon.Result> {
  let next = 0
  const { paths } = spec
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: durationS,
        headers: spec.headers ?? {},
        requests: [
          {
            setupRequest: (request) => {
              request.path = paths[next++ % paths.length] as string
              return request
            },
          },
        ],
      },
      (err, result) => (err == null ? resolve(result) : reject(err as Error)),
    )
  })
}

export async function measure(server: ServerProcess, spec: LoadSpec, options: LoadOptions): Promise<Measurement> {
  if (spec.paths.length === 0) throw new Error(`${server.name}: no paths to request`)
  if (options.warmupS > 0) await run(server.url, spec, options.warmupS, options.connections)
  const before = options.counter === undefined ? null : await options.counter()
  await options.timed?.start()
  const sampler = server.sampleRss(100)
  const result = await run(server.url, spec, options.durationS, options.connections)
  const { peak } = await sampler.stop()
  await options.timed?.stop()
  const after = options.counter === undefined ? null : await options.counter()
  const ok = result['2xx']
  return {
    rps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    peakRss: peak,
    durationS: result.duration,
    perRequest:
      before === null || after === null || result.requests.total === 0
        ? null
        : (after - before) / result.requests.total,
  }
}
