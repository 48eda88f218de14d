/** Builds and starts gateways the way server.ts does, for tests over real HTTP. */
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
  close(): Promise<void>
}

export interface GatewayOptions extends Partial<AppOptions> {
  withSandbox?: boolean
  /** Simulator and gateway limits other than the documented ones (faster functional tests). */
  limits?: SandboxOptions['limits']
}

/** Ten requests a second: functional tests that make many BatchBook calls need not crawl. */
export const FAST_LIMITS = { batchbook: { max: 10, windowMs: 1000 } }

export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const config = options.config ?? testConfig()
  let sandbox: Sandbox | undefined
  if (options.withSandbox === true) {
    sandbox = await startSandbox({
      timeoutMs: config.upstream.timeoutMs,
      ...(options.limits === undefined ? {} : { limits: options.limits }),
    })
    config.connections = sandbox.connections
  }
  const sandboxConnections = sandbox === undefined ? undefined : new Set(sandbox.connections.map((c) => c.name))
  const { withSandbox: _withSandbox, limits: _limits, ...appOptions } = options
  const app = await buildApp({
    ...(options.logStream === undefined ? { logger: false as const } : {}),
    ...(sandboxConnections === undefined ? {} : { sandboxConnections }),
    ...appOptions,
    config,
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    sandbox,
    async close() {
      await app.close()
      await sandbox?.close()
    },
  }
}

export async function getJson(url: string, headers: Record<string, string> = { authorization: `Bearer ${TEST_KEY}` }) {
  const res = await request(url, { headers })
  const text = await res.body.text()
  return {
    status: res.statusCode,
    headers: res.headers,
    body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
  }
}
