import type { RateLimit } from '../../config.js'
import type { Lane } from './scheduler.js'

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
  /**
   * Takes a unit for work of `lane`. A refused foreground take (committed or client) marks the
   * key as wanted for one more interval; background takes are refused while it is, so work that
   * waits on any replica goes before the sync of every replica.
   */
  take(key: string, limit: RateLimit, lane?: Lane): Promise<BudgetVerdict>
  /** Units free right now and when the next one frees up, without taking one. */
  status(key: string, limit: RateLimit): Promise<BudgetStatus>
  /** Grants nothing for `key` until `untilMs` (epoch ms): the upstream asked us to back off. */
  pause(key: string, untilMs: number): Promise<void>
}

/** How long a refused foreground take holds background work back: one interval of the limit. */
export function demandHoldMs(limit: RateLimit): number {
  return Math.ceil(limit.windowMs / limit.max)
}
