/** Both upstream simulators in one process (`startSandbox`), for the gateway and the proxies to call. */
import type { ConnectionConfig, RateLimit } from '../../src/config.js'
import { type SandboxVolume, startSandbox } from '../../src/sandbox/index.js'
import { serveChild } from '../lib/child.js'

export interface SandboxServerOptions {
  timeoutMs: number
  /** No simulator rate limits (the benchmark). */
  unlimited: boolean
  /** Limits for simulators and gateway alike when not unlimited (the soak). */
  limits?: { batchbook?: RateLimit; snappy?: RateLimit }
  /** Records beyond the seed (the replica benchmark's 100,000 messages). */
  volume?: SandboxVolume
}

export interface SandboxInfo {
  connections: ConnectionConfig[]
  batchbookOrigin: string
  snappyOrigin: string
}

serveChild<SandboxServerOptions>(async (options) => {
  const sandbox = await startSandbox({
    timeoutMs: options.timeoutMs,
    unlimited: options.unlimited,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.volume === undefined ? {} : { volume: options.volume }),
  })
  const info: SandboxInfo = {
    connections: sandbox.connections,
    batchbookOrigin: sandbox.batchbook.origin,
    snappyOrigin: sandbox.snappy.origin,
  }
  return { url: sandbox.batchbook.origin, info, close: () => sandbox.close() }
})
