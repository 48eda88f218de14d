/**
 * The change feed's retention: every gateway with the store removes events older than
 * `EVENTS_RETENTION_DAYS` now and then, whether or not it delivers webhooks (a delivery still
 * pending keeps its event). Several gateways pruning at once is harmless: a prune is one
 * transaction that removes what is old and records how far it went.
 */
import type { Store } from '../store/index.js'

/** How often old events are removed: retention is counted in days, so hourly is exact enough. */
const PRUNE_EVERY_MS = 3_600_000

export interface EventRetentionOptions {
  store: Store
  retentionMs: number
  onError(err: unknown): void
}

export class EventRetention {
  readonly #options: EventRetentionOptions
  readonly #abort = new AbortController()
  #loop: Promise<void> | null = null

  constructor(options: EventRetentionOptions) {
    this.#options = options
  }

  start(): void {
    this.#loop ??= this.#run()
  }

  async stop(): Promise<void> {
    this.#abort.abort()
    await this.#loop
  }

  /** Removes the events older than the retention; returns how many. */
  async prune(): Promise<number> {
    const { store, retentionMs } = this.#options
    return store.events.prune(new Date(store.clock.now() - retentionMs).toISOString())
  }

  async #run(): Promise<void> {
    const { store } = this.#options
    const signal = this.#abort.signal
    while (!signal.aborted) {
      // A store that is down is pruned at the next round after it is back.
      if (store.available) await this.prune().catch((err: unknown) => signal.aborted || this.#options.onError(err))
      await store.clock.sleep(PRUNE_EVERY_MS, signal)
    }
  }
}
