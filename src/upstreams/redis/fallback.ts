/**
 * What happens when Redis is unreachable:
 * - rate budget: each replica falls back to a local budget of its share (limit / replicas),
 *   so the replicas together still stay under the upstream's limit, and keeps to it for one
 *   window after the last failure (grants made locally are not in Redis); `/readyz` says so;
 * - cache: reads miss and writes are skipped (answers come from the upstream, within budget);
 * - idempotency records: requests with an `Idempotency-Key` get 503, because answering
 *   without the shared record could write twice.
 */
import type { RateLimit } from '../../config.js'
import { ProblemError } from '../../errors.js'
import { MemoryBudgetStore } from '../budget/memory-store.js'
import type { Lane } from '../budget/scheduler.js'
import type { BudgetStatus, BudgetStore, BudgetVerdict } from '../budget/store.js'
import type { CacheEntry, CacheStore } from '../cache/store.js'
import type { IdempotencyStore, Reservation, StoredResponse } from '../idempotency/store.js'

/** One replica's share of a limit shared by `replicas`. */
export function localShare(limit: RateLimit, replicas: number): RateLimit {
  if (limit.max >= replicas) return { max: Math.floor(limit.max / replicas), windowMs: limit.windowMs }
  return { max: 1, windowMs: limit.windowMs * Math.ceil(replicas / limit.max) }
}

export class FallbackBudgetStore implements BudgetStore {
  readonly #shared: BudgetStore
  readonly #local: MemoryBudgetStore
  readonly #replicas: number
  readonly #onFailure: (err: unknown) => void
  #lastFailureAt = Number.NEGATIVE_INFINITY

  constructor(shared: BudgetStore, options: { replicas: number; onFailure: (err: unknown) => void; now?: () => number }) {
    this.#shared = shared
    this.#local = new MemoryBudgetStore(options.now)
    this.#replicas = options.replicas
    this.#onFailure = options.onFailure
  }

  /** True while the local fallback is in use. */
  get degraded(): boolean {
    return this.#lastFailureAt > Number.NEGATIVE_INFINITY
  }

  take(key: string, limit: RateLimit, lane?: Lane): Promise<BudgetVerdict> {
    return this.#use(limit, (store, l) => store.take(key, l, lane))
  }

  status(key: string, limit: RateLimit): Promise<BudgetStatus> {
    return this.#use(limit, (store, l) => store.status(key, l))
  }

  async pause(key: string, untilMs: number): Promise<void> {
    await this.#local.pause(key, untilMs)
    try {
      await this.#shared.pause(key, untilMs)
    } catch (err) {
      this.#fail(err)
    }
  }

  async #use<T>(limit: RateLimit, op: (store: BudgetStore, limit: RateLimit) => Promise<T>): Promise<T> {
    const local = localShare(limit, this.#replicas)
    if (Date.now() - this.#lastFailureAt < limit.windowMs) return op(this.#local, local)
    try {
      const result = await op(this.#shared, limit)
      this.#lastFailureAt = Number.NEGATIVE_INFINITY
      return result
    } catch (err) {
      this.#fail(err)
      return op(this.#local, local)
    }
  }

  #fail(err: unknown): void {
    if (!this.degraded) this.#onFailure(err)
    this.#lastFailureAt = Date.now()
  }
}

export class ResilientCacheStore implements CacheStore {
  readonly #shared: CacheStore
  readonly #onFailure: (err: unknown) => void

  constructor(shared: CacheStore, onFailure: (err: unknown) => void) {
    this.#shared = shared
    this.#onFailure = onFailure
  }

  async get<T>(key: string): Promise<CacheEntry<T> | undefined> {
    try {
      return await this.#shared.get<T>(key)
    } catch (err) {
      this.#onFailure(err)
      return undefined
    }
  }

  async set<T>(key: string, entry: CacheEntry<T>): Promise<void> {
    await this.#shared.set(key, entry).catch(this.#onFailure)
  }

  async invalidate(tags: string[]): Promise<void> {
    await this.#shared.invalidate(tags).catch(this.#onFailure)
  }

  clear(): Promise<void> {
    return this.#shared.clear()
  }

  async stats(): Promise<{ bytes: number; entries: number }> {
    try {
      return await this.#shared.stats()
    } catch {
      return { bytes: 0, entries: 0 }
    }
  }
}

export class GuardedIdempotencyStore implements IdempotencyStore {
  readonly #shared: IdempotencyStore

  constructor(shared: IdempotencyStore) {
    this.#shared = shared
  }

  reserve(key: string, fingerprint: string, ttlMs: number): Promise<Reservation> {
    return this.#shared.reserve(key, fingerprint, ttlMs).catch((err: unknown) => {
      throw new ProblemError('store_unavailable', 'Idempotency records are unavailable right now; retry shortly with the same key', {
        retryAfter: 1,
        cause: err,
      })
    })
  }

  complete(key: string, fingerprint: string, response: StoredResponse, ttlMs: number): Promise<void> {
    return this.#shared.complete(key, fingerprint, response, ttlMs)
  }

  release(key: string): Promise<void> {
    return this.#shared.release(key)
  }
}
