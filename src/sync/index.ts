/** The sync of every configured connection, each by the source's own sync. */
import type { SyncConfig } from '../config.js'
import type { UpstreamRegistry } from '../upstreams/registry.js'
import { SnappyAdapter } from '../upstreams/snappy/adapter.js'
import type { Store } from '../store/index.js'
import type { SourceAdapter } from '../upstreams/adapter.js'
import { BatchBookSync, isBatchBookSource } from './batchbook.js'
import { SnappySync } from './snappy.js'
import type { ConnectionSync } from './connection-sync.js'
import { SyncRunner, type SyncRunnerOptions } from './runner.js'

function syncOf(adapter: SourceAdapter, store: Store, config: SyncConfig): ConnectionSync | null {
  if (adapter instanceof SnappyAdapter) return new SnappySync(adapter, store, config)
  if (isBatchBookSource(adapter)) return new BatchBookSync(adapter, store, config)
  return null
}

export function createSyncRunner(
  upstreams: UpstreamRegistry,
  store: Store,
  config: SyncConfig,
  options: Pick<SyncRunnerOptions, 'alone' | 'holder' | 'onFailing' | 'onRecovered' | 'onUpstreamChanged'>,
): SyncRunner {
  const syncs = upstreams
    .all()
    .map((adapter) => syncOf(adapter, store, config))
    .filter((s): s is ConnectionSync => s !== null)
  return new SyncRunner({
    ...options,
    store,
    syncs,
    config,
    connectionOf: (name) => {
      const adapter = upstreams.get(name)
      if (adapter === undefined) throw new Error(`no connection ${name}`)
      return adapter.connection
    },
  })
}
