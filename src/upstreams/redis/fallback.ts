/**
 * What happens when Redis is unreachable:
 * - rate budget: each replica falls back to a local budget of its share (limit / replicas),
 *   so the replicas together still stay under the upstream's limit, and keeps to it for one
 *   window after the last failure (grants made locally are not in Redis); `/readyz` says so;
 * - cache: reads miss and writes are skipped (answers come from the upstream, within budget);
 * - idempotency records: requests with an `Idempotency-Key` get 503, because answering
 *   without the shared record could write twice.
 */
import { type Clock, type Timer, realClock } from '../../clock.js'
import type { RateLimit } from '../../config.js'
import { ProblemError, storeUnavailable } from '../../errors.js'
import { MemoryBudgetStore } from '../budget/memory-store.js'
import type { Lane } from '../budget/scheduler.js'
import { slotAt, slotPlan } from '../budget/slots.js'
import type { BudgetStatus, BudgetStore, BudgetVerdict } from '../budget/store.js'
import type { CacheEntry, CacheStore } from '../cache/store.js'
import type { IdempotencyStore, Reservation, StoredResponse } from '../idempotency/store.js'

/** Where a gateway stands with the others: its slot, and who is reachable. */
export interface ReplicaSlots {
  /** This gateway's slot (0 to replicas - 1), or null before it ever reached Redis. */
  readonly slot: number | null
  /** When this gateway's heartbeat last reached Redis (epoch ms). */
  readonly heardAt: number
  /** Slots of gateways whose heartbeat is gone from Redis, whose calls a window of `windowMs` counts as spent. */
  absent(windowMs: number): ReadonlySet<number>
}

/**
 * How long a replica that lost Redis waits before its first local grant, beyond one window:
 * the time its heartbeat takes to expire and the others to notice (see replica-slots.ts).
 */
export const PRESENCE_LAG_MS = 4_000
/** How often a replica on its local budget tries Redis again. */
const RETRY_SHARED_MS = 1_000

export interface FallbackOptions {
  replicas: number
  slots: ReplicaSlots
  /** How long a gateway cut off from Redis may call in its own slots (see replica-slots.ts). */
  failoverMs?: number
  onFailure: (err: unknown) => void
  onRecovery?: () => void
  now?: () => number
}

/**
 * The rate budget through Redis, and what replaces it while Redis is unreachable, keeping every
 * replica together under the upstream's limit however their clocks and phases fall:
 *
 * - Every grant is also logged here, so a replica knows the calls it made itself.
 * - Alone (`replicas` 1), it goes on with the same limit on that log.
 * - With others, it waits one window (plus the time the others need to see it gone) so that
 *   every grant made through Redis before has left the window, then calls only in its own time
 *   slots (slots.ts). The replicas still on Redis count those slots as spent.
 * - Back on Redis, it waits until its own local grants have left the window, since Redis never
 *   saw them, then takes from Redis again.
 */
export class FallbackBudgetStore implements BudgetStore {
  readonly #shared: BudgetStore
  readonly #local: MemoryBudgetStore
  readonly #options: FallbackOptions
  readonly #now: () => number
  #mode: 'shared' | 'local' = 'shared'
  /** When this gateway last went over to its local budget. */
  #localSince = Number.NEGATIVE_INFINITY
  #lastTryAt = 0
  /** Per key, the last grant made locally, which Redis never saw. */
  readonly #lastLocalGrant = new Map<string, number>()

  constructor(shared: BudgetStore, options: FallbackOptions) {
    this.#shared = shared
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#local = new MemoryBudgetStore(this.#now)
  }

  /** This gateway's own grants of `key` after `since`, through Redis or local (see budget-store.ts). */
  ownGrants(key: string, since: number): number[] {
    return this.#local.grantsSince(key, since)
  }

  /** True while the local budget is in use. */
  get degraded(): boolean {
    return this.#mode === 'local'
  }

  async take(key: string, limit: RateLimit, lane?: Lane): Promise<BudgetVerdict> {
    const shared = await this.#sharedMode(limit)
    const now = this.#now()
    const hold = this.#holdFor(key, limit, shared)
    if (hold > now) return { granted: false, retryAfterMs: hold - now }
    if (shared) {
      try {
        const verdict = await this.#shared.take(key, limit, lane)
        if (verdict.granted) this.#local.record(key, this.#now(), limit.windowMs)
        return verdict
      } catch (err) {
        this.#toLocal(err)
        return { granted: false, retryAfterMs: Math.max(1, this.#holdFor(key, limit, false) - this.#now()) }
      }
    }
    const verdict = await this.#takeLocal(key, limit, lane)
    if (verdict.granted) this.#lastLocalGrant.set(key, this.#now())
    return verdict
  }

  /**
   * No grant of `key` before this time, each key by its own window: on Redis, until the grants
   * this gateway made locally (which Redis never saw) have left the window; on the local
   * budget with others, until every grant they made through Redis before has left it and they
   * see this gateway gone (alone, the local log holds every grant: no wait).
   */
  #holdFor(key: string, limit: RateLimit, shared: boolean): number {
    if (shared) return (this.#lastLocalGrant.get(key) ?? Number.NEGATIVE_INFINITY) + limit.windowMs
    if (this.#options.replicas > 1) return this.#localSince + limit.windowMs + PRESENCE_LAG_MS
    return 0
  }

  async status(key: string, limit: RateLimit): Promise<BudgetStatus> {
    if (this.#mode === 'shared') {
      try {
        return await this.#shared.status(key, limit)
      } catch (err) {
        this.#toLocal(err)
      }
    }
    return this.#local.status(key, limit)
  }

  async pause(key: string, untilMs: number): Promise<void> {
    await this.#local.pause(key, untilMs)
    try {
      await this.#shared.pause(key, untilMs)
    } catch (err) {
      if (this.#mode === 'shared') this.#options.onFailure(err)
    }
  }

  /** Alone, the local log is the whole truth; with others, only this replica's slots are safe. */
  async #takeLocal(key: string, limit: RateLimit, lane?: Lane): Promise<BudgetVerdict> {
    if (this.#options.replicas < 2) return this.#local.take(key, limit, lane)
    const slot = this.#options.slots.slot
    // Without a slot (Redis never answered) no time is this replica's to call in.
    if (slot === null) return { granted: false, retryAfterMs: RETRY_SHARED_MS }
    const now = this.#now()
    // Cut off for longer than the others hold its slots for it: they may be using them now.
    if (now - this.#options.slots.heardAt >= (this.#options.failoverMs ?? Infinity))
      return { granted: false, retryAfterMs: RETRY_SHARED_MS }
    const paused = this.#local.pausedUntil(key)
    if (paused > now) return { granted: false, retryAfterMs: paused - now }
    const plan = slotPlan(limit, this.#options.replicas)
    const at = slotAt(plan, slot, now)
    if (!at.open) return { granted: false, retryAfterMs: Math.max(1, at.waitMs) }
    const sliceEnd = (at.slice + 1) * plan.sliceMs
    const used = this.#local.grantsSince(key, sliceEnd - plan.sliceMs - 1).length
    if (used >= plan.quota) {
      const next = slotAt(plan, slot, sliceEnd)
      return { granted: false, retryAfterMs: Math.max(1, sliceEnd - now + (next.open ? 0 : next.waitMs)) }
    }
    this.#local.record(key, now, limit.windowMs)
    return { granted: true, remaining: plan.quota - used - 1 }
  }

  /** Whether to take from Redis now; a replica on its local budget tries Redis again now and then. */
  async #sharedMode(limit: RateLimit): Promise<boolean> {
    if (this.#mode === 'shared') return true
    const now = this.#now()
    if (now - this.#lastTryAt < RETRY_SHARED_MS) return false
    this.#lastTryAt = now
    try {
      await this.#shared.status('__probe__', limit)
    } catch {
      return false
    }
    // Redis never saw the local grants: none may share a window with what Redis grants next
    // (`#holdFor` keeps each key to that).
    this.#mode = 'shared'
    this.#options.onRecovery?.()
    return true
  }

  #toLocal(err: unknown): void {
    if (this.#mode === 'local') return
    this.#mode = 'local'
    this.#localSince = this.#now()
    this.#lastTryAt = this.#now()
    this.#options.onFailure(err)
  }
}

/** Past this many pending invalidations, the whole cache is cleared instead. */
const MAX_PENDING_TAGS = 10_000
/** How often journals of writes Redis missed are replayed into it. */
const REPLAY_MS = 1_000

/** Runs `replay` every `REPLAY_MS` from the first `start()` until `stop()`: what both journals below share. */
class ReplayTimer {
  readonly #replay: () => Promise<unknown>
  readonly #clock: Clock
  #timer: Timer | undefined

  constructor(replay: () => Promise<unknown>, clock: Clock) {
    this.#replay = replay
    this.#clock = clock
  }

  start(): void {
    this.#timer ??= this.#clock.setInterval(() => void this.#replay(), REPLAY_MS)
    this.#timer.unref()
  }

  stop(): void {
    this.#clock.clearInterval(this.#timer)
    this.#timer = undefined
  }
}

/**
 * The read cache in Redis, and what happens while Redis fails: reads miss (the upstream
 * answers, within budget), entries are not kept, and invalidations that fail are remembered
 * and replayed as soon as Redis answers again. Until they are, this replica serves nothing from
 * the cache, so a record it wrote during the outage is never served from before the write.
 */
export class ResilientCacheStore implements CacheStore {
  readonly #shared: CacheStore
  readonly #onFailure: (err: unknown) => void
  readonly #pending = new Set<string>()
  #clearPending = false
  readonly #replayer: ReplayTimer

  constructor(shared: CacheStore, onFailure: (err: unknown) => void, clock: Clock = realClock) {
    this.#replayer = new ReplayTimer(() => this.#replay(), clock)
    this.#shared = shared
    this.#onFailure = onFailure
  }

  async get<T>(key: string): Promise<CacheEntry<T> | undefined> {
    if (!(await this.#replay())) return undefined
    try {
      return await this.#shared.get<T>(key)
    } catch (err) {
      this.#onFailure(err)
      return undefined
    }
  }

  async set<T>(key: string, entry: CacheEntry<T>): Promise<void> {
    if (!(await this.#replay())) return
    await this.#shared.set(key, entry).catch(this.#onFailure)
  }

  async invalidate(tags: string[]): Promise<void> {
    try {
      await this.#shared.invalidate(tags)
    } catch (err) {
      this.#onFailure(err)
      this.#remember(tags)
    }
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

  /** Stops the background replay (the app is closing). */
  stop(): void {
    this.#replayer.stop()
  }

  #remember(tags: string[]): void {
    for (const tag of tags) this.#pending.add(tag)
    if (this.#pending.size > MAX_PENDING_TAGS) {
      this.#pending.clear()
      this.#clearPending = true
    }
    // Replayed in the background too, so entries other replicas read go as soon as Redis is back.
    this.#replayer.start()
  }

  /** Replays what failed; true when nothing is pending any more. */
  async #replay(): Promise<boolean> {
    if (this.#pending.size === 0 && !this.#clearPending) return true
    try {
      if (this.#clearPending) await this.#shared.clear()
      else await this.#shared.invalidate([...this.#pending])
    } catch {
      return false
    }
    this.#pending.clear()
    this.#clearPending = false
    this.stop()
    return true
  }
}

/** A finished answer Redis did not take yet, kept here until it does. */
interface JournalEntry {
  fingerprint: string
  response: StoredResponse
  expiresAt: number
}

/**
 * Idempotency records in Redis, guarded: a key cannot be reserved while Redis is unreachable
 * (503: answering without the shared record could write twice); an outcome that cannot be
 * stored after the upstream accepted the write is kept in a journal here and replayed into
 * Redis until it is taken (the reservation holds the key meanwhile), and a repeat reaching
 * this replica is answered from the journal at once.
 */
export class GuardedIdempotencyStore implements IdempotencyStore {
  readonly #shared: IdempotencyStore
  readonly #journal = new Map<string, JournalEntry>()
  /** Reservations to release once Redis answers, by key and holder (several tries may hold one each). */
  readonly #unreleased = new Map<string, { key: string; holder: string | undefined }>()
  readonly #onFailure: (err: unknown) => void
  readonly #replayer: ReplayTimer
  readonly #clock: Clock

  constructor(shared: IdempotencyStore, onFailure: (err: unknown) => void = () => undefined, clock: Clock = realClock) {
    this.#clock = clock
    this.#replayer = new ReplayTimer(() => this.#replay(), clock)
    this.#shared = shared
    this.#onFailure = onFailure
  }

  async reserve(
    key: string,
    fingerprint: string,
    lockMs: number,
    holder?: string,
    alone?: boolean,
  ): Promise<Reservation> {
    const journaled = this.#journal.get(key)
    if (journaled !== undefined && journaled.expiresAt > this.#clock.now()) {
      return journaled.fingerprint === fingerprint
        ? { state: 'completed', response: journaled.response }
        : { state: 'mismatch' }
    }
    try {
      return await this.#shared.reserve(key, fingerprint, lockMs, holder, alone)
    } catch (err) {
      // A command that timed out may still reach Redis later and hold the key for nothing:
      // release this request's own reservation once Redis answers again.
      if (holder !== undefined) this.#releaseLater(key, holder)
      throw storeUnavailable('Idempotency records are unavailable right now; retry shortly with the same key', 1, err)
    }
  }

  async markWriting(key: string, holder: string): Promise<void> {
    try {
      await this.#shared.markWriting(key, holder)
    } catch (err) {
      if (err instanceof ProblemError) throw err
      // Without the mark, a retry after this gateway died could write again: the write waits.
      throw storeUnavailable('Idempotency records are unavailable right now; retry shortly with the same key', 1, err)
    }
  }

  async complete(key: string, fingerprint: string, response: StoredResponse, ttlMs: number): Promise<void> {
    try {
      await this.#shared.complete(key, fingerprint, response, ttlMs)
    } catch (err) {
      this.#onFailure(err)
      this.#journal.set(key, { fingerprint, response, expiresAt: this.#clock.now() + ttlMs })
      this.#replayer.start()
    }
  }

  async release(key: string, holder?: string): Promise<void> {
    try {
      await this.#shared.release(key, holder)
    } catch (err) {
      this.#onFailure(err)
      this.#releaseLater(key, holder)
    }
  }

  #releaseLater(key: string, holder: string | undefined): void {
    this.#unreleased.set(`${key}\n${holder ?? ''}`, { key, holder })
    this.#replayer.start()
  }

  /** Outcomes and releases not yet in Redis. */
  get pending(): number {
    return this.#journal.size + this.#unreleased.size
  }

  stop(): void {
    this.#replayer.stop()
  }

  async #replay(): Promise<void> {
    const now = this.#clock.now()
    for (const [key, entry] of this.#journal) {
      if (entry.expiresAt <= now) {
        this.#journal.delete(key)
        continue
      }
      try {
        await this.#shared.complete(key, entry.fingerprint, entry.response, entry.expiresAt - now)
        this.#journal.delete(key)
      } catch {
        return
      }
    }
    for (const [id, { key, holder }] of this.#unreleased) {
      try {
        await this.#shared.release(key, holder)
        this.#unreleased.delete(id)
      } catch {
        return
      }
    }
    if (this.pending === 0) this.stop()
  }
}
