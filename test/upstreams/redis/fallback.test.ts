import { describe, expect, it } from 'vitest'
import type { BudgetStore } from '../../../src/upstreams/budget/store.js'
import { FallbackBudgetStore, GuardedIdempotencyStore, localShare } from '../../../src/upstreams/redis/fallback.js'

const down: BudgetStore = {
  take: async () => Promise.reject(new Error('Connection is closed.')),
  status: async () => Promise.reject(new Error('Connection is closed.')),
  pause: async () => Promise.reject(new Error('Connection is closed.')),
}

describe('when Redis is unreachable', () => {
  it('gives each replica its share of a limit', () => {
    expect(localShare({ max: 200, windowMs: 60_000 }, 3)).toEqual({ max: 66, windowMs: 60_000 })
    expect(localShare({ max: 1, windowMs: 1_000 }, 3)).toEqual({ max: 1, windowMs: 3_000 })
    expect(localShare({ max: 2, windowMs: 1_000 }, 3)).toEqual({ max: 1, windowMs: 2_000 })
    expect(localShare({ max: 10, windowMs: 1_000 }, 1)).toEqual({ max: 10, windowMs: 1_000 })
  })

  it('falls back to the local share, reports the failure once and says it is degraded', async () => {
    const failures: unknown[] = []
    const store = new FallbackBudgetStore(down, { replicas: 3, onFailure: (err) => failures.push(err) })
    const limit = { max: 6, windowMs: 10_000 }
    const verdicts = await Promise.all(Array.from({ length: 5 }, () => store.take('k', limit)))
    expect(verdicts.filter((v) => v.granted)).toHaveLength(2)
    expect(store.degraded).toBe(true)
    expect(failures).toHaveLength(1)
  })

  it('answers idempotent requests with 503 rather than risk a second write', async () => {
    const store = new GuardedIdempotencyStore({
      reserve: async () => Promise.reject(new Error('down')),
      complete: async () => undefined,
      release: async () => undefined,
    })
    await expect(store.reserve('k', 'f', 1000)).rejects.toMatchObject({ code: 'store_unavailable', status: 503 })
  })
})
