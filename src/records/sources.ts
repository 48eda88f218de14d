/**
 * What the store says of each connection's sync, for `/v1/sources` and readiness, and whether
 * the store can answer for every connection when the upstreams cannot.
 */
import type { RateLimit, SyncConfig } from '../config.js'
import type { StoreState } from '../store/availability.js'
import type { Store } from '../store/index.js'
import { type SyncStatus, failingSyncs, syncStatus } from '../sync/status.js'
import { storeServes } from './store-reads.js'

/** What each source can do, as `/v1/sources` tells it. */
export { capabilitiesOf } from '../upstreams/adapter.js'

export class SourceRecords {
  readonly #store: Store | null
  readonly #config: SyncConfig

  constructor(store: Store | null, config: SyncConfig) {
    this.#store = store
    this.#config = config
  }

  /** Whether a store is kept at all (`REPLICA=false` turns it off). */
  get kept(): boolean {
    return this.#store !== null
  }

  /** A connection's sync as the store last saw it (its time left counted at `limit`); null without a store. */
  async sync(connection: string, limit: RateLimit): Promise<SyncStatus | null> {
    return this.#store === null ? null : syncStatus(this.#store, connection, this.#config, limit)
  }

  /** The connections whose sync has been failing for several poll intervals. */
  async failing(connections: ReadonlyArray<{ name: string; source: string }>): Promise<string[]> {
    return this.#store === null ? [] : failingSyncs(this.#store, connections, this.#config)
  }

  /** Whether the store can answer reads for all of these connections now. */
  async served(connections: readonly string[]): Promise<boolean> {
    return storeServes(this.#store, connections)
  }

  /** The store's state now (`up` when requests may use it); null when there is none. */
  get storeState(): StoreState | null {
    return this.#store === null ? null : this.#store.storeState
  }
}
