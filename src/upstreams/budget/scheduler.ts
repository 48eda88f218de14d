/**
 * Every upstream call of a connection takes rate budget here first. Callers queue FIFO and
 * wait up to `maxWaitMs`; a caller that would wait longer is refused at once with a 429
 * whose Retry-After comes from the budget, so nobody waits for nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { RateLimit } from '../../config.js'
import { ProblemError } from '../../errors.js'
import { channels, publish } from '../instrumentation.js'
import type { BudgetStatus, BudgetStore } from './store.js'

export interface SchedulerOptions {
  store: BudgetStore
  /** The budget key: one per upstream credential. */
  key: string
  limit: RateLimit
  maxWaitMs: number
  /**
   * Added to the window so that jitter between our grant and the call's arrival upstream
   * (event-loop lag, network) cannot make two calls we spaced one window apart look closer
   * than that. Defaults to `defaultMargin(limit)`.
   */
  marginMs?: number
  /** For problem details only. */
  connection: string
  source: string
}

/**
 * 5% of the window, and never under 100 ms: a full window of calls then always fits, with room
 * for the arrival jitter a busy process or network adds, at the price of at most 5% (or 100 ms
 * a window) of the budget. Never exceeding the upstream matters more than its last percent.
 */
export function defaultMargin(limit: RateLimit): number {
  return Math.max(100, Math.round(limit.windowMs * 0.05))
}

/**
 * How long a budget status may be reused for the rate headers of answers. Reading it costs a
 * Redis round trip when budgets are shared; a grant or pause here drops it at once, so only
 * other replicas' calls and the window's sliding can make it up to this much out of date.
 */
export const STATUS_REUSE_MS = 250

interface Waiter {
  resolve: () => void
  reject: (err: unknown) => void
  deadline: number
  enqueuedAt: number
}

export class RateScheduler {
  readonly #options: SchedulerOptions
  readonly #limit: RateLimit
  readonly #queue: Waiter[] = []
  #pumping = false
  /** While the queue head sleeps: when the next unit frees up. Nobody queued can go sooner. */
  #blockedUntil = 0
  #recent: { status: BudgetStatus; at: number } | null = null

  constructor(options: SchedulerOptions) {
    this.#options = options
    this.#limit = { max: options.limit.max, windowMs: options.limit.windowMs + (options.marginMs ?? defaultMargin(options.limit)) }
  }

  get queued(): number {
    return this.#queue.length
  }

  get limit(): RateLimit {
    return this.#options.limit
  }

  /** The budget as the store has it now. */
  async status(): Promise<BudgetStatus> {
    const status = await this.#options.store.status(this.#options.key, this.#limit)
    this.#recent = { status, at: Date.now() }
    return status
  }

  /** The last `status()` if it is recent enough to reuse (see STATUS_REUSE_MS), else null. */
  recentStatus(): BudgetStatus | null {
    const recent = this.#recent
    if (recent === null) return null
    const age = Date.now() - recent.at
    if (age > STATUS_REUSE_MS) return null
    return { remaining: recent.status.remaining, resetMs: Math.max(0, recent.status.resetMs - age) }
  }

  /**
   * Resolves when this call may go upstream; rejects with a 429 problem when that would take
   * longer than the maximum wait (or `maxWaitMs`, when the caller's own deadline is sooner).
   */
  acquire(maxWaitMs = this.#options.maxWaitMs): Promise<void> {
    const wait = Math.min(maxWaitMs, this.#options.maxWaitMs)
    const now = Date.now()
    if (this.#queue.length > 0 && this.#blockedUntil > now + wait) return Promise.reject(this.#refusal(this.#blockedUntil - now))
    // Every caller queues, even when budget is free, so grants follow arrival order exactly.
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ resolve, reject, deadline: now + wait, enqueuedAt: now })
      void this.#pump()
    })
  }

  /** The upstream asked us to back off (429/503 with Retry-After): grant nothing until then. */
  pause(ms: number): Promise<void> {
    this.#recent = null
    return this.#options.store.pause(this.#options.key, Date.now() + ms)
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return
    this.#pumping = true
    try {
      while (this.#queue.length > 0) {
        const head = this.#queue[0] as Waiter
        const verdict = await this.#options.store.take(this.#options.key, this.#limit)
        const now = Date.now()
        if (verdict.granted) {
          this.#recent = null
          this.#queue.shift()
          publish(channels.queueWait, { connection: this.#options.connection, waitMs: now - head.enqueuedAt, granted: true })
          head.resolve()
          continue
        }
        const freeAt = now + verdict.retryAfterMs
        // Nobody behind the head can be served before it: refuse at once everyone (head
        // included) whose wait would end before the next unit frees up.
        for (let i = this.#queue.length - 1; i >= 0; i--) {
          const waiter = this.#queue[i] as Waiter
          if (freeAt <= waiter.deadline) continue
          this.#queue.splice(i, 1)
          publish(channels.queueWait, { connection: this.#options.connection, waitMs: now - waiter.enqueuedAt, granted: false })
          waiter.reject(this.#refusal(freeAt - now))
        }
        if (this.#queue.length > 0) {
          this.#blockedUntil = freeAt
          await sleep(verdict.retryAfterMs)
          this.#blockedUntil = 0
        }
      }
    } catch (err) {
      for (const waiter of this.#queue.splice(0)) waiter.reject(err)
    } finally {
      this.#pumping = false
    }
  }

  #refusal(waitMs: number): ProblemError {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000))
    return new ProblemError('rate_limited', `The rate budget of ${this.#options.connection} is exhausted; retry in ${seconds} s`, {
      retryAfter: seconds,
      upstream: { source: this.#options.source, status: null },
    })
  }
}
