/** The gateway as `src/server.ts` builds it, from a configuration the driver hands over. */
import type { AddressInfo } from 'node:net'
import { buildApp } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { serveChild } from '../lib/child.js'

export interface GatewayServerOptions {
  config: Config
  /** Connections served by the built-in simulators (as `/v1/sources` shows them). */
  sandboxConnections: string[]
}

serveChild<GatewayServerOptions>(async ({ config, sandboxConnections }) => {
  const app = await buildApp({ config, sandboxConnections: new Set(sandboxConnections) })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() }
})
