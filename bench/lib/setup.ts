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
/** What a benchmark gateway runs with: its environment, and what the driver sets over it. */
export interface GatewaySetup {
  env: Record<string, string>
  overrides: Pick<Config, 'port' | 'sandbox' | 'apiKeys' | 'connections'>
}

/**
 * A gateway's configuration as the driver hands it over: the environment and the fields set
 * over it. The gateway process loads the environment with its own `loadConfig`, so a gateway of
 * an earlier commit (`--against`) reads it in the shape it knows.
 */
export function gatewayConfig(
  connections: ConnectionConfig[],
  env: Record<string, string>,
  rateLimit: RateLimit | null,
): GatewaySetup {
  loadConfig(env) // refused here, before any process starts, when the environment is not valid
  return {
    env,
    overrides: {
      port: 0,
      sandbox: false,
      apiKeys: [{ name: 'bench', secret: API_KEY, connections: null }],
      connections: connections.map((c) => ({ ...c, ...(rateLimit === null ? {} : { rateLimit }) })),
    },
  }
}

export function startGatewayProcess(
  name: string,
  config: GatewaySetup,
  sandbox: SandboxInfo,
  start: StartOptions = {},
): Promise<ServerProcess> {
  const sandboxConnections = sandbox.connections.map((c) => c.name)
  // A gateway of a commit before this setup (`--against`) takes a built `config`, from before the
  // store was named so (`replica`): it gets one in the shape it reads.
  const loaded = { ...loadConfig(config.env), ...config.overrides }
  const legacy = { ...loaded, replica: loaded.store }
  return startServer(name, 'gateway.ts', { ...config, config: legacy, sandboxConnections }, start)
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
