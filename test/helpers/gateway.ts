/** Builds and starts gateways the way server.ts does, for tests over real HTTP. */
import { VirtualClock } from './virtual-clock.js'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { request } from 'undici'
import { buildApp, type AppOptions } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js'

export const TEST_KEY = 'sk_test_0123456789abcdef'
export const SCOPED_KEY = 'sk_scoped_0123456789abcdef'

export function testConfig(overrides: Partial<Config> = {}): Config {
  // The replica is off unless a test is about it: the others measure the upstream path.
  const defaults = loadConfig({ LOG_LEVEL: 'silent', UPSTREAM_TIMEOUT_MS: '2000', REPLICA: 'false' })
  return {
    ...defaults,
    port: 0,
    sandbox: false,
    // Test files share two cores: their event loops lag for reasons that are not the gateway's load.
    loadShedding: { maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0 },
    apiKeys: [
      { name: 'tester', secret: TEST_KEY, connections: null },
      { name: 'scoped', secret: SCOPED_KEY, connections: ['snappy'] },
    ],
    ...overrides,
  }
}

export interface RunningGateway {
  app: FastifyInstance
  url: string
  sandbox: Sandbox | undefined
  /**
   * Set for a gateway on virtual time: it reaches its simulators in-process, and `call` goes
   * through `app.inject` (it listens too, for tests that send real requests).
   */
  clock: VirtualClock | null
  close(): Promise<void>
}

export interface GatewayOptions extends Partial<AppOptions> {
  withSandbox?: boolean
  /** Simulator and gateway limits other than the documented ones (faster functional tests). */
  limits?: SandboxOptions['limits']
  /**
   * Virtual time: the gateway and its simulators on one VirtualClock, without sockets between
   * them. The default with the sandbox; false for tests about sockets or real time.
   */
  virtual?: boolean
}

/** Ten requests a second: functional tests that make many BatchBook calls need not crawl. */
export const FAST_LIMITS = { batchbook: { max: 10, windowMs: 1000 } }

/** Running gateways on virtual time, by their URL (helpers given only a URL find them). */
const virtualGateways = new Map<string, RunningGateway>()

function virtualAt(url: string): RunningGateway | undefined {
  for (const [base, gateway] of virtualGateways) if (url.startsWith(base)) return gateway
  return undefined
}

/** The virtual clock of the gateway serving `url`, if it runs on one. */
export function clockOf(url: string): VirtualClock | undefined {
  return virtualAt(url)?.clock ?? undefined
}

export interface Sent {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/**
 * Sends one request to a gateway by URL: through `app.inject` when the gateway runs on virtual
 * time (no socket, so the clock never moves while a request is on its way), else over HTTP.
 */
export async function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Sent> {
  const method = (options.method ?? 'GET') as 'GET'
  const gateway = virtualAt(url)
  if (gateway !== undefined) {
    const res = await gateway.app.inject({
      method,
      url: url.slice(gateway.url.length),
      ...(options.headers === undefined ? {} : { headers: options.headers }),
      ...(options.body === undefined ? {} : { payload: options.body }),
    })
    const headers = Object.fromEntries(
      Object.entries(res.headers).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]),
    )
    return { status: res.statusCode, headers, text: res.body }
  }
  const res = await request(url, { method, headers: options.headers, body: options.body })
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() }
}

export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const config = options.config ?? testConfig()
  let sandbox: Sandbox | undefined
  const given = options.clock instanceof VirtualClock ? options.clock : null
  const clock = given ?? ((options.virtual ?? options.withSandbox === true) ? new VirtualClock() : null)
  // The clock runs from the start: building the app waits on it (the store's first state).
  clock?.start()
  if (options.withSandbox === true) {
    sandbox = await startSandbox({
      timeoutMs: config.upstream.timeoutMs,
      ...(options.limits === undefined ? {} : { limits: options.limits }),
      ...(clock === null ? {} : { clock, inProcess: true }),
    })
    config.connections = sandbox.connections
  }
  const sandboxConnections = sandbox === undefined ? undefined : new Set(sandbox.connections.map((c) => c.name))
  const { withSandbox: _withSandbox, limits: _limits, virtual: _virtual, ...appOptions } = options
  const app = await buildApp({
    ...(options.logStream === undefined ? { logger: false as const } : {}),
    ...(sandboxConnections === undefined ? {} : { sandboxConnections }),
    ...(clock === null ? {} : { clock, dispatchers: sandbox?.dispatchers ?? new Map() }),
    ...appOptions,
    config,
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  const gateway: RunningGateway = {
    app,
    url,
    sandbox,
    clock,
    async close() {
      virtualGateways.delete(url)
      await app.close()
      await sandbox?.close()
      // A clock given belongs to whoever gave it (the simulators' owner stops it).
      if (given === null) await clock?.stop()
    },
  }
  if (clock !== null) virtualGateways.set(url, gateway)
  return gateway
}

export async function getJson(url: string, headers: Record<string, string> = { authorization: `Bearer ${TEST_KEY}` }) {
  const res = await send(url, { headers })
  const text = res.text
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
  }
}
