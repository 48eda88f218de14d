/**
 * Runs every connection's sync in the background: on the replica that holds the
 * connection's lease, one step after another, each step's upstream calls in the background
 * lane (only the budget clients leave), its state stored after every step. A failing step is
 * retried with exponential backoff from where it stopped; the other replicas serve reads
 * meanwhile. `budgetShare` below 1 spaces the steps so that the sync never uses more than
 * that share of a connection's rate limit, however idle the clients are.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { PROCESS_HOLDER } from '../holder.js'
import type { RateLimit, SyncConfig } from '../../config.js'
import { runInBackground } from '../../request-context.js'
import type { Replica } from '../index.js'
import type { SyncState } from '../sync-state.js'
import type { ConnectionSync } from './connection-sync.js'

const MAX_BACKOFF_MS = 60_000

export interface SyncRunnerOptions {
  replica: Replica
  syncs: readonly ConnectionSync[]
  config: SyncConfig
  rateLimitOf(connection: string): RateLimit
  onFailure(connection: string, err: unknown): void
}

export class SyncRunner {
  /** This process, as named in the leases. */
  readonly holder = PROCESS_HOLDER
  readonly #options: SyncRunnerOptions
  readonly #abort = new AbortController()
  #loops: Promise<void>[] = []

  constructor(options: SyncRunnerOptions) {
    this.#options = options
  }

  start(): void {
    this.#loops = this.#options.syncs.map((sync) => this.#run(sync))
  }

  /** Stops after the steps under way and gives the leases up. */
  async stop(): Promise<void> {
    this.#abort.abort()
    await Promise.allSettled(this.#loops)
    const { replica, syncs } = this.#options
    await Promise.allSettled(syncs.map((s) => replica.leases.release(s.connection, this.holder)))
  }

  async #run(sync: ConnectionSync): Promise<void> {
    const { replica, config } = this.#options
    const signal = this.#abort.signal
    const limit = this.#options.rateLimitOf(sync.connection)
    const spacing = limit.windowMs / limit.max / config.budgetShare
    let state: SyncState | null = null
    let failures = 0
    while (!signal.aborted) {
      let delay: number
      try {
        if (!(await replica.leases.acquire(sync.connection, this.holder, config.leaseMs))) {
          // Another replica syncs this connection; its progress is read afresh on taking over.
          state = null
          await this.#pause(config.leaseMs / 3)
          continue
        }
        state ??= (await replica.states.get(sync.connection)) ?? initialState(sync)
        const started = Date.now()
        const current: SyncState = state
        const backfilled = current.backfilledAt !== null
        const complete = current.participantsComplete
        // A step may wait long for budget behind clients: the lease is renewed meanwhile, so
        // no other replica takes the connection over while this one still works on it.
        const renew = setInterval(() => {
          replica.leases.acquire(sync.connection, this.holder, config.leaseMs).catch(() => undefined)
        }, config.leaseMs / 3)
        const { value, calls } = await runInBackground(() => sync.step(current)).finally(() => clearInterval(renew))
        current.calls += calls
        current.lastAttemptAt = new Date().toISOString()
        current.lastError = null
        failures = 0
        // The share of the budget: the next step waits until these calls' share has passed.
        const paced = config.budgetShare < 1 ? started + calls * spacing - Date.now() : 0
        delay = Math.min(Math.max(value, paced), MAX_PAUSE_MS)
        await replica.putState(current)
        // The backfill, or the participants after it, just completed: the store took a bulk load.
        if ((!backfilled && current.backfilledAt !== null) || (!complete && current.participantsComplete))
          await replica.refreshStatistics().catch(() => undefined) // only an optimization: not a failed step
      } catch (err) {
        if (signal.aborted) break
        failures++
        this.#options.onFailure(sync.connection, err)
        if (state !== null) {
          state.lastAttemptAt = new Date().toISOString()
          state.lastError = err instanceof Error ? err.message : String(err)
          await replica.putState(state).catch(() => undefined)
        }
        delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 1))
      }
      if (delay > 0) await this.#pause(delay)
    }
  }

  /** Sleeps, cut short when the runner stops. */
  async #pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.#abort.signal }).catch(() => undefined)
  }
}

/** An idle sync renews its lease and looks at its state at least this often. */
const MAX_PAUSE_MS = 5_000

function initialState(sync: ConnectionSync): SyncState {
  return {
    connection: sync.connection,
    source: sync.source,
    phase: 'backfilling',
    checkpoint: {},
    backfilledAt: null,
    participantsComplete: false,
    lastSuccessAt: null,
    lastAttemptAt: null,
    lastError: null,
    calls: 0,
  }
}
