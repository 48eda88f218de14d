import type { RateLimit } from '../../config.js'
import type { Lane } from './scheduler.js'
import { type BudgetStatus, type BudgetStore, type BudgetVerdict, demandHoldMs } from './store.js'

/**
 * A sliding log per key: a unit is free when fewer than `max` were taken in the last
 * `windowMs`. This is the strictest reading of "N per window" (a rolling window), so a
 * caller that obeys it cannot trip an upstream that counts either way.
 */
export class MemoryBudgetStore implements BudgetStore {
  readonly #log = new Map<string, number[]>()
  readonly #pausedUntil = new Map<string, number>()
  /** Until when background work is held back because foreground work had to wait. */
  readonly #wantedUntil = new Map<string, number>()
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  async take(key: string, limit: RateLimit, lane: Lane = 'client'): Promise<BudgetVerdict> {
    const verdict = this.#take(key, limit, lane, this.#now())
    if (!verdict.granted && lane !== 'background') {
      this.#wantedUntil.set(key, this.#now() + verdict.retryAfterMs + demandHoldMs(limit))
    }
    return verdict
  }

  #take(key: string, limit: RateLimit, lane: Lane, now: number): BudgetVerdict {
    const paused = this.#pausedUntil.get(key)
    if (paused !== undefined) {
      if (paused > now) return { granted: false, retryAfterMs: paused - now }
      this.#pausedUntil.delete(key)
    }
    const wanted = lane === 'background' ? (this.#wantedUntil.get(key) ?? 0) : 0
    if (wanted > now) return { granted: false, retryAfterMs: wanted - now }
    const log = this.#prune(key, limit, now)
    if (log.length >= limit.max) {
      return { granted: false, retryAfterMs: Math.max(1, (log[0] as number) + limit.windowMs - now) }
    }
    log.push(now)
    return { granted: true, remaining: limit.max - log.length }
  }

  /**
   * Logs a grant made elsewhere (through a shared budget), so this log knows every call made;
   * grants older than `keepMs` are dropped.
   */
  record(key: string, at: number, keepMs: number): void {
    const log = this.#log.get(key)
    if (log === undefined) {
      this.#log.set(key, [at])
      return
    }
    log.push(at)
    let expired = 0
    while (expired < log.length && (log[expired] as number) <= at - keepMs) expired++
    if (expired > 0) log.splice(0, expired)
  }

  /** Until when `key` is paused (0 when it is not). */
  pausedUntil(key: string): number {
    return this.#pausedUntil.get(key) ?? 0
  }

  /** Grant times logged for `key` since `since`, oldest first. */
  grantsSince(key: string, since: number): number[] {
    return (this.#log.get(key) ?? []).filter((at) => at > since)
  }

  async status(key: string, limit: RateLimit): Promise<BudgetStatus> {
    const now = this.#now()
    const paused = this.#pausedUntil.get(key) ?? 0
    const log = this.#prune(key, limit, now)
    const resetMs = log.length === 0 ? 0 : (log[0] as number) + limit.windowMs - now
    if (paused > now) return { remaining: 0, resetMs: Math.max(resetMs, paused - now) }
    return { remaining: Math.max(0, limit.max - log.length), resetMs }
  }

  async pause(key: string, untilMs: number): Promise<void> {
    this.#pausedUntil.set(key, Math.max(untilMs, this.#pausedUntil.get(key) ?? 0))
  }

  #prune(key: string, limit: RateLimit, now: number): number[] {
    let log = this.#log.get(key)
    if (log === undefined) {
      log = []
      this.#log.set(key, log)
    }
    const since = now - limit.windowMs
    let expired = 0
    while (expired < log.length && (log[expired] as number) <= since) expired++
    if (expired > 0) log.splice(0, expired)
    return log
  }
}
