import type { RateLimit } from '../../config.js'

export interface BudgetStatus {
  remaining: number
  /** Milliseconds until a unit taken now would be free again (0 when none is taken). */
  resetMs: number
}

export type BudgetVerdict = { granted: true; remaining: number } | { granted: false; retryAfterMs: number }

/**
 * Where rate budget lives. `take` is one atomic "take a unit or tell me when one frees up",
 * so a shared implementation (one script on a shared store) can serve several replicas.
 */
export interface BudgetStore {
  take(key: string, limit: RateLimit): Promise<BudgetVerdict>
  /** Units free right now and when the next one frees up, without taking one. */
  status(key: string, limit: RateLimit): Promise<BudgetStatus>
  /** Grants nothing for `key` until `untilMs` (epoch ms): the upstream asked us to back off. */
  pause(key: string, untilMs: number): Promise<void>
}
