/** What the benchmark and the soak share: the sandbox, the gateway's configuration, small HTTP helpers. */
import { randomBytes } from 'node:crypto'
import { request } from 'undici'
import { loadConfig, type Config, type ConnectionConfig, type RateLimit } from '../../src/config.js'
import type { SandboxInfo, SandboxServerOptions } from '../servers/sandbox.js'
import { startServer, type ServerProcess, type StartOptions } from './processes.js'

/** The client key every request of a run carries. */
export const API_KEY = `sk_bench_${randomBytes(12).toString('hex')}`
export const AUTH = { authorization: `Bearer ${API_KEY}` }

/** A budget no benchmark reaches: the gateway's rate scheduler still runs, it just never waits. */
export const RAISED_LIMIT: RateLimit = { max: 1_000_000, windowMs: 1000 }

export function startSandboxProcess(
  options: SandboxServerOptions,
  start: StartOptions = {},
): Promise<ServerProcess<SandboxInfo>> {
  return startServer<SandboxInfo>('simulators', 'sandbox.ts', options, start)
}

/**
 * The gateway's configuration as `loadConfig` reads it from `env`, pointed at the simulators
 * with one client key and, unless `rateLimit` is null, every connection's budget set to it
 * (null keeps the limits the sandbox was started with).
 */
export function gatewayConfig(
  connections: ConnectionConfig[],
  env: Record<string, string>,
  rateLimit: RateLimit | null,
): Config {
  const config = loadConfig(env)
  return {
    ...config,
    port: 0,
    sandbox: false,
    apiKeys: [{ name: 'bench', secret: API_KEY, connections: null }],
    connections: connections.map((c) => ({ ...c, ...(rateLimit === null ? {} : { rateLimit }) })),
  }
}

export function startGatewayProcess(
  name: string,
  config: Config,
  sandbox: SandboxInfo,
  start: StartOptions = {},
): Promise<ServerProcess> {
  return startServer(name, 'gateway.ts', { config, sandboxConnections: sandbox.connections.map((c) => c.name) }, start)
}

export async function getJson<T = unknown>(
  base: string,
  path: string,
  headers: Record<string, string> = AUTH,
): Promise<T> {
  const res = await request(`${base}${path}`, { headers })
  const text = await res.body.text()
  if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode} ${text.slice(0, 300)}`)
  return JSON.parse(text) as T
}

/** Requests both simulators have received so far (their control API's own count). */
export async function upstreamRequests(sandbox: SandboxInfo): Promise<number> {
  const [a, b] = await Promise.all(
    [sandbox.batchbookOrigin, sandbox.snappyOrigin].map((origin) =>
      getJson<{ requests: number }>(origin, '/__sandbox/stats', {}),
    ),
  )
  return (a?.requests ?? 0) + (b?.requests ?? 0)
}

/** The `Authorization` header the gateway sends a connection's upstream (Basic, secret as user name). */
export function upstreamAuthorization(connection: ConnectionConfig): string {
  return `Basic ${Buffer.from(`${connection.credential}:x`, 'utf8').toString('base64')}`
}
