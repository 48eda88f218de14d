/**
 * Whether the store can be used right now. PostgreSQL can crash, restart or vanish behind a
 * partition while the gateway runs; none of that may end the process or hold a request past a
 * deadline. So every query has one (see guarded-pool.ts), the first failure that says the
 * server is gone marks the store `down`, and from then on callers learn it at once instead of
 * each waiting out a timeout: reads take the upstream path, writes keep what the store must
 * record in the journal (journal.ts), store-only routes answer `503 store_unavailable`.
 * Meanwhile one probe a second tries the server; once it answers, the store is `recovering`
 * (migrations, then the journal replayed in order) and then `up` again.
 *
 * The embedded SQLite store is a file in this process: it is always `up`.
 */
import { ProblemError, storeUnavailable } from '../errors.js'

export type StoreState = 'connecting' | 'up' | 'recovering' | 'down'

/** How long a caller that met an unavailable store is told to wait before retrying (seconds). */
const RETRY_AFTER_SECONDS = 2

export interface AvailabilityListener {
  (state: StoreState, err: unknown): void
}

export class StoreAvailability {
  #state: StoreState
  #since: number
  #lastError: string | null = null
  readonly #listener: AvailabilityListener
  readonly #now: () => number
  /** Set by the owner: starts the probe loop when the store goes down. */
  onDown: (() => void) | null = null

  constructor(initial: StoreState, listener: AvailabilityListener = () => undefined, now: () => number = Date.now) {
    this.#state = initial
    this.#now = now
    this.#since = now()
    this.#listener = listener
  }

  get state(): StoreState {
    return this.#state
  }

  /** When the store entered its current state (epoch ms). */
  get since(): number {
    return this.#since
  }

  get lastError(): string | null {
    return this.#lastError
  }

  /** True when requests may use the store. */
  get up(): boolean {
    return this.#state === 'up'
  }

  /** True when queries may be sent: requests' while up, the recovery's own while recovering. */
  get admitsQueries(): boolean {
    return this.#state === 'up' || this.#state === 'recovering'
  }

  /** Throws `503 store_unavailable` unless requests may use the store now. */
  assertUp(): void {
    if (!this.up) throw this.unavailable()
  }

  unavailable(cause?: unknown): Error {
    const detail =
      this.#state === 'connecting'
        ? 'The store is not connected yet; retry shortly'
        : 'The store is unreachable right now; retry shortly'
    return storeUnavailable(detail, RETRY_AFTER_SECONDS, cause)
  }

  /** A query met a failure that says the server is gone (or did not answer in time). */
  failed(err: unknown): void {
    this.#lastError = err instanceof Error ? err.message : String(err)
    if (this.#state === 'down' || this.#state === 'connecting') return
    this.#set('down', err)
    this.onDown?.()
  }

  /** The probe reached the server: the journal is replayed next. */
  recovering(): void {
    if (this.#state !== 'recovering') this.#set('recovering', null)
  }

  /** Recovery is done (or the first connection made): requests may use the store. */
  recovered(): void {
    this.#lastError = null
    if (this.#state !== 'up') this.#set('up', null)
  }

  #set(state: StoreState, err: unknown): void {
    this.#state = state
    this.#since = this.#now()
    this.#listener(state, err)
  }
}

/** PostgreSQL error codes and Node socket errors that mean the server cannot be reached or went away. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '53300', // too_many_connections
])

/** Messages pg gives connection failures that carry no code. */
const CONNECTION_MESSAGES =
  /Connection terminated|connection error|Connection ended|timeout exceeded when trying to connect|not queryable/i

/** Whether `err` says the server is unreachable (rather than that one statement was wrong). */
export function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true
  return CONNECTION_MESSAGES.test(err.message)
}

/** Whether a failure means the store is unreachable (try elsewhere, or later) rather than wrong. */
export function isStoreOutage(err: unknown): boolean {
  return err instanceof ProblemError && err.code === 'store_unavailable'
}
