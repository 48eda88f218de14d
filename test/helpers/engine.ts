/** The upstream engine wired to fresh sandbox simulators, for engine-level tests. */
import type { Config } from '../../src/config.js'
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js'
import type { UpstreamEngine } from '../../src/upstreams/engine.js'
import { UpstreamRegistry } from '../../src/upstreams/registry.js'
import { testConfig } from './gateway.js'

export interface Engine {
  sandbox: Sandbox
  registry: UpstreamRegistry
  batchbook: UpstreamEngine
  snappy: UpstreamEngine
  close(): Promise<void>
}

export async function startEngine(overrides: (config: Config) => Config = (c) => c): Promise<Engine> {
  const sandbox = await startSandbox({ timeoutMs: 2_000 })
  const config = overrides(testConfig({ connections: sandbox.connections }))
  const registry = new UpstreamRegistry(config)
  const client = (name: string) => {
    const adapter = registry.get(name)
    if (adapter === undefined) throw new Error(`no connection ${name}`)
    return adapter.engine
  }
  return {
    sandbox,
    registry,
    batchbook: client('batchbook'),
    snappy: client('snappy'),
    async close() {
      await registry.close()
      await sandbox.close()
    },
  }
}

export const json = (res: { body: Buffer }) => JSON.parse(res.body.toString('utf8')) as unknown
