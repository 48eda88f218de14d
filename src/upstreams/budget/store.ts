import type { RateLimit } from '../../config.js'

export type BudgetVerdict = { granted: true; remaining: number } | { granted: false; retryAfterMs: number }

/**
 * Where rate budget lives. `take` is one atomic "take a unit or tell me when one frees up",
 * so a shared implementation (one script on a shared store) can serve several replicas.
 */
export interface BudgetStore {
  take(key: string, limit: RateLimit): Promise<BudgetVerdict>
  /** Units free right now, without taking one. */
  remaining(key: string, limit: RateLimit): Promise<number>
}
