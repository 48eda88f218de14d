/**
 * A sandbox gateway on virtual time with a store of its own (embedded SQLite) and no sync
 * running: what tests of the features kept in the store (operations, the feed) start from.
 * Closing it drops the store too.
 */
import type { Config } from '../../src/config.js'
import { type GatewayOptions, type RunningGateway, startGateway, testConfig } from './gateway.js'
import { testDatabase } from './stores.js'

export async function startStoreGateway(
  options: GatewayOptions & { configure?: (config: Config) => void } = {},
): Promise<RunningGateway> {
  const database = testDatabase('sqlite')
  const { configure, ...rest } = options
  const config = testConfig({ store: database.config })
  configure?.(config)
  const gateway = await startGateway({ config, withSandbox: true, sync: false, ...rest })
  return {
    ...gateway,
    async close() {
      await gateway.close()
      await database.drop()
    },
  }
}
