import { describe, expect, it } from 'vitest'
import { MemoryBudgetStore } from '../../../src/upstreams/budget/memory-store.js'
import { RateScheduler } from '../../../src/upstreams/budget/scheduler.js'
import type { BudgetStore } from '../../../src/upstreams/budget/store.js'

function scheduler(maxWaitMs: number, limit = { max: 2, windowMs: 200 }, store: BudgetStore = new MemoryBudgetStore()) {
  return new RateScheduler({ store, key: 'k', limit, maxWaitMs, marginMs: 0, connection: 'test', source: 'batchbook' })
}

describe('RateScheduler', () => {
  it('lets callers through in arrival order, never more than the limit per window', async () => {
    const s = scheduler(5_000)
    const grants: Array<{ i: number; at: number }> = []
    await Promise.all(Array.from({ length: 6 }, (_, i) => s.acquire().then(() => grants.push({ i, at: Date.now() }))))
    expect(grants.map((g) => g.i)).toEqual([0, 1, 2, 3, 4, 5])
    // Any three consecutive grants span at least one window.
    for (let k = 2; k < grants.length; k++) {
      expect((grants[k] as { at: number }).at - (grants[k - 2] as { at: number }).at).toBeGreaterThanOrEqual(199)
    }
  })

  it('refuses at once with a 429 and Retry-After when the wait would exceed the maximum', async () => {
    const s = scheduler(100, { max: 1, windowMs: 5_000 })
    await s.acquire()
    await expect(s.acquire()).rejects.toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 5 })
  })

  it('counts queued callers and reports the budget left', async () => {
    const s = scheduler(5_000, { max: 1, windowMs: 150 })
    expect((await s.status()).remaining).toBe(1)
    await s.acquire()
    const waiting = [s.acquire(), s.acquire()]
    expect(s.queued).toBe(2)
    await Promise.all(waiting)
    expect(s.queued).toBe(0)
  })

  it('reuses a status it just read, and forgets it once it grants a unit', async () => {
    const s = scheduler(5_000, { max: 3, windowMs: 10_000 })
    expect(s.recentStatus()).toBeNull()
    expect((await s.status()).remaining).toBe(3)
    expect(s.recentStatus()?.remaining).toBe(3)
    await s.acquire()
    expect(s.recentStatus()).toBeNull()
    expect((await s.status()).remaining).toBe(2)
  })

  it('refuses queued callers whose turn would come after the maximum wait', async () => {
    const s = scheduler(250, { max: 1, windowMs: 200 })
    await s.acquire()
    const results = await Promise.allSettled([s.acquire(), s.acquire()])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected'])
  })

  it('rejects waiters when the budget store fails', async () => {
    let calls = 0
    const failing: BudgetStore = {
      take: async () => {
        calls++
        if (calls === 1) return { granted: false, retryAfterMs: 10 }
        throw new Error('store down')
      },
      status: async () => ({ remaining: 0, resetMs: 0 }),
      pause: async () => undefined,
    }
    await expect(scheduler(1_000, { max: 1, windowMs: 100 }, failing).acquire()).rejects.toThrow('store down')
  })
})
