/** The sync of every configured connection, each by the source's own sync. */
import type { SyncConfig } from '../config.js'
import type { UpstreamRegistry } from '../upstreams/registry.js'
import { SnappyAdapter } from '../upstreams/snappy/adapter.js'
import type { Replica } from '../store/index.js'
import type { SourceAdapter } from '../upstreams/adapter.js'
import { BatchBookSync, isBatchBookSource } from './batchbook.js'
import { SnappySync } from './snappy.js'
import type { ConnectionSync } from './connection-sync.js'
import { SyncRunner, type SyncRunnerOptions } from './runner.js'

function syncOf(adapter: SourceAdapter, replica: Replica, config: SyncConfig): ConnectionSync | null {
  if (adapter instanceof SnappyAdapter) return new SnappySync(adapter, replica, config)
  if (isBatchBookSource(adapter)) return new BatchBookSync(adapter, replica, config)
  return null
}

export function createSyncRunner(
  upstreams: UpstreamRegistry,
  replica: Replica,
  config: SyncConfig,
  options: Pick<SyncRunnerOptions, 'alone' | 'holder' | 'onFailing' | 'onRecovered' | 'onUpstreamChanged'>,
): SyncRunner {
  const syncs = upstreams
    .all()
    .map((adapter) => syncOf(adapter, replica, config))
    .filter((s): s is ConnectionSync => s !== null)
  return new SyncRunner({
    ...options,
    replica,
    syncs,
    config,
    connectionOf: (name) => {
      const adapter = upstreams.get(name)
      if (adapter === undefined) throw new Error(`no connection ${name}`)
      return adapter.connection
    },
  })
}
