/**
 * Every upstream call of a connection takes rate budget here first. Callers queue FIFO and
 * wait up to `maxWaitMs`; a caller that would wait longer is refused at once with a 429
 * whose Retry-After comes from the budget, so nobody waits for nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { RateLimit } from '../../config.js'
import { ProblemError } from '../../errors.js'
import type { BudgetStore } from './store.js'

export interface SchedulerOptions {
  store: BudgetStore
  /** The budget key: one per upstream credential. */
  key: string
  limit: RateLimit
  maxWaitMs: number
  /**
   * Added to the window so that arrival jitter at the upstream cannot make two calls we
   * spaced exactly one window apart look closer than that.
   */
  marginMs?: number
  /** For problem details only. */
  connection: string
  source: string
}

interface Waiter {
  resolve: () => void
  reject: (err: unknown) => void
  deadline: number
}

export class RateScheduler {
  readonly #options: SchedulerOptions
  readonly #limit: RateLimit
  readonly #queue: Waiter[] = []
  #pumping = false

  constructor(options: SchedulerOptions) {
    this.#options = options
    this.#limit = { max: options.limit.max, windowMs: options.limit.windowMs + (options.marginMs ?? 50) }
  }

  get queued(): number {
    return this.#queue.length
  }

  get limit(): RateLimit {
    return this.#options.limit
  }

  remaining(): Promise<number> {
    return this.#options.store.remaining(this.#options.key, this.#limit)
  }

  /** Resolves when this call may go upstream; rejects with a 429 problem otherwise. */
  acquire(): Promise<void> {
    if (this.#queue.length > 0) {
      // Everyone ahead needs a slot first: estimate from the even spacing of the budget.
      const estimate = (this.#queue.length + 1) * this.#interval()
      if (estimate > this.#options.maxWaitMs) return Promise.reject(this.#refusal(estimate))
    }
    // Every caller queues, even when budget is free, so grants follow arrival order exactly.
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ resolve, reject, deadline: Date.now() + this.#options.maxWaitMs })
      void this.#pump()
    })
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return
    this.#pumping = true
    try {
      while (this.#queue.length > 0) {
        const head = this.#queue[0] as Waiter
        const verdict = await this.#options.store.take(this.#options.key, this.#limit)
        if (verdict.granted) {
          this.#queue.shift()
          head.resolve()
          continue
        }
        const now = Date.now()
        if (now + verdict.retryAfterMs > head.deadline) {
          this.#queue.shift()
          head.reject(this.#refusal(verdict.retryAfterMs))
          continue
        }
        await sleep(verdict.retryAfterMs)
      }
    } catch (err) {
      for (const waiter of this.#queue.splice(0)) waiter.reject(err)
    } finally {
      this.#pumping = false
    }
  }

  #interval(): number {
    return Math.ceil(this.#limit.windowMs / this.#limit.max)
  }

  #refusal(waitMs: number): ProblemError {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000))
    return new ProblemError('rate_limited', `The rate budget of ${this.#options.connection} is exhausted; retry in ${seconds} s`, {
      retryAfter: seconds,
      upstream: { source: this.#options.source, status: null },
    })
  }
}
