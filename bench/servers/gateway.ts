/** The gateway as `src/server.ts` builds it, from a configuration the driver hands over. */
import type { AddressInfo } from 'node:net'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { serveChild } from '../lib/child.js'
import type { GatewaySetup } from '../lib/setup.js'

export interface GatewayServerOptions extends GatewaySetup {
  /** Connections served by the built-in simulators (as `/v1/sources` shows them). */
  sandboxConnections: string[]
}

serveChild<GatewayServerOptions>(async ({ env, overrides, sandboxConnections }) => {
  // This process's own loadConfig: a gateway of another commit reads the environment its way.
  const config = { ...loadConfig(env), ...overrides }
  const app = await buildApp({ config, sandboxConnections: new Set(sandboxConnections) })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() }
})
