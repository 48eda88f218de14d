/**
 * Runs every connection's sync in the background: on the gateway that holds the connection's
 * lease, one step after another, each step's upstream calls in the background lane (only the
 * budget clients leave), its state stored after every step. A failing step is retried with
 * exponential backoff from where it stopped; the other gateways serve reads meanwhile.
 * `budgetShare` below 1 spaces the steps so that the sync never uses more than that share of
 * a connection's rate limit, however idle the clients are.
 *
 * Before the first step the stored state is checked against the upstream it came from (see
 * identity.ts): records of another upstream are dropped and the connection backfills again.
 * While the store is unreachable the loop waits without counting failures.
 */
import { isoNow } from '../clock.js'
import type { ConnectionConfig, SyncConfig } from '../config.js'
import { runInBackground } from '../request-context.js'
import type { Store } from '../store/index.js'
import { type SyncState, initialState, reportOf } from '../store/sync-state.js'
import type { ConnectionSync } from './connection-sync.js'
import { upstreamFingerprint } from './identity.js'

const MAX_BACKOFF_MS = 60_000
/** An idle sync renews its lease and looks at its state at least this often. */
const MAX_PAUSE_MS = 5_000
/** How often a sync waiting for the store looks again. */
const STORE_WAIT_MS = 1_000

export interface SyncRunnerOptions {
  store: Store
  syncs: readonly ConnectionSync[]
  config: SyncConfig
  connectionOf(name: string): ConnectionConfig
  /**
   * True when this gateway is the only one (`SWITCHBOARD_REPLICAS=1`): a lease held by another
   * holder is its own predecessor's, dead or stopping, and taken over at once.
   */
  alone: boolean
  /** A connection's sync began failing (the first failed step after a success). */
  onFailing(connection: string, err: unknown): void
  /** A failing connection's sync succeeded again. */
  onRecovered(connection: string, failures: number): void
  /** The stored records came from another upstream and were dropped. */
  onUpstreamChanged(connection: string, was: string, now: string): void
  /** This gateway, as the leases name it. */
  holder: string
}

export class SyncRunner {
  /** This gateway, as named in the leases. */
  readonly holder: string
  readonly #options: SyncRunnerOptions
  readonly #abort = new AbortController()
  #loops: Promise<void>[] = []

  constructor(options: SyncRunnerOptions) {
    this.#options = options
    this.holder = options.holder
  }

  start(): void {
    this.#loops = this.#options.syncs.map((sync) => this.#run(sync))
  }

  /** Stops after the steps under way and gives the leases up. */
  async stop(): Promise<void> {
    this.#abort.abort()
    await Promise.allSettled(this.#loops)
    const { store, syncs } = this.#options
    await Promise.allSettled(syncs.map((s) => store.leases.release(s.connection, this.holder)))
  }

  async #run(sync: ConnectionSync): Promise<void> {
    const { store, config, alone } = this.#options
    const signal = this.#abort.signal
    const connection = this.#options.connectionOf(sync.connection)
    const limit = connection.rateLimit
    const fingerprint = upstreamFingerprint(connection)
    const spacing = limit.windowMs / limit.max / config.budgetShare
    const acquire = () => store.leases.acquire(sync.connection, this.holder, config.leaseMs, alone)
    let state: SyncState | null = null
    let failures = 0
    while (!signal.aborted) {
      if (!store.available) {
        // Nothing can be stored: the step would only fail. Its progress is read afresh after.
        state = null
        await this.#pause(STORE_WAIT_MS)
        continue
      }
      let delay: number
      try {
        if (!(await acquire())) {
          // Another gateway syncs this connection; its progress is read afresh on taking over.
          state = null
          await this.#pause(config.leaseMs / 3)
          continue
        }
        const loaded = state === null
        state ??= await this.#load(sync, fingerprint)
        const started = store.clock.now()
        const current: SyncState = state
        const backfilled = current.backfilledAt !== null
        const complete = current.participantsComplete
        const was = unchanging(current)
        // A step may wait long for budget behind clients: the lease is renewed meanwhile, so
        // no other gateway takes the connection over while this one still works on it.
        const renew = store.clock.setInterval(() => void acquire().catch(() => undefined), config.leaseMs / 3)
        const { value, calls } = await runInBackground(() => sync.step(current)).finally(() =>
          store.clock.clearInterval(renew),
        )
        current.calls += calls
        current.lastAttemptAt = isoNow(store.clock)
        current.lastError = null
        delete reportOf(current).failingSince
        if (failures > 0) this.#options.onRecovered(sync.connection, failures)
        failures = 0
        // The share of the budget: the next step waits until these calls' share has passed.
        const paced = config.budgetShare < 1 ? started + calls * spacing - store.clock.now() : 0
        delay = Math.min(Math.max(value, paced), MAX_PAUSE_MS)
        // An idle step (nothing due yet) changed nothing worth a write of the store.
        if (loaded || calls > 0 || unchanging(current) !== was) await store.putState(current)
        // The backfill, or the participants after it, just completed: the store took a bulk load.
        if ((!backfilled && current.backfilledAt !== null) || (!complete && current.participantsComplete))
          await store.refreshStatistics().catch(() => undefined) // only an optimization: not a failed step
      } catch (err) {
        if (signal.aborted) break
        if (!store.available) continue
        failures++
        if (failures === 1) this.#options.onFailing(sync.connection, err)
        if (state !== null) {
          state.lastAttemptAt = isoNow(store.clock)
          state.lastError = err instanceof Error ? err.message : String(err)
          reportOf(state).failingSince ??= state.lastAttemptAt
          await store.putState(state).catch(() => undefined)
        }
        delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 1))
      }
      if (delay > 0) await this.#pause(delay)
    }
  }

  /** The stored state, or a new one; records of another upstream are dropped first. */
  async #load(sync: ConnectionSync, fingerprint: string): Promise<SyncState> {
    const { store } = this.#options
    const stored = await store.states.get(sync.connection)
    if (stored === undefined) return initialState(sync.connection, sync.source, fingerprint)
    if (stored.upstream !== null && stored.upstream !== fingerprint) {
      await store.forgetConnection(sync.connection)
      this.#options.onUpstreamChanged(sync.connection, stored.upstream, fingerprint)
      return initialState(sync.connection, sync.source, fingerprint)
    }
    // A store written before fingerprints were kept is taken to be of this upstream.
    stored.upstream = fingerprint
    return stored
  }

  /** Sleeps, cut short when the runner stops. */
  async #pause(ms: number): Promise<void> {
    await this.#options.store.clock.sleep(ms, this.#abort.signal)
  }
}

/** A state as it matters to readers: everything but the moment of the last attempt. */
function unchanging(state: SyncState): string {
  const { lastAttemptAt: _at, ...rest } = state
  return JSON.stringify(rest)
}
