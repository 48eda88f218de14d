import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { VirtualClock } from '../../helpers/virtual-clock.js'
import { MemoryBudgetStore } from '../../../src/upstreams/budget/memory-store.js'
import { type AcquireOptions, type FairShare, RateScheduler } from '../../../src/upstreams/budget/scheduler.js'
import type { BudgetStore } from '../../../src/upstreams/budget/store.js'

// Every scheduler here runs on a virtual clock: waits pass at once, and gaps are exact.
let clock: VirtualClock
beforeEach(() => {
  clock = new VirtualClock()
  clock.start()
})
afterEach(() => clock.stop())

function scheduler(
  maxWaitMs: number,
  limit = { max: 2, windowMs: 200 },
  store: BudgetStore = new MemoryBudgetStore(() => clock.now()),
  fairShare?: FairShare,
) {
  return new RateScheduler({
    clock,
    store,
    key: 'k',
    limit,
    maxWaitMs,
    marginMs: 0,
    connection: 'test',
    source: 'batchbook',
    ...(fairShare === undefined ? {} : { fairShare }),
  })
}

/** Acquires in `lane` for `party` and records the order of grants under `label`. */
function queue(s: RateScheduler, order: string[], label: string, options: AcquireOptions): Promise<void> {
  return s.acquire(options).then(() => {
    order.push(label)
  })
}

describe('RateScheduler', () => {
  it('lets callers through in arrival order, never more than the limit per window', async () => {
    const s = scheduler(5_000)
    const grants: Array<{ i: number; at: number }> = []
    await Promise.all(Array.from({ length: 6 }, (_, i) => s.acquire().then(() => grants.push({ i, at: clock.now() }))))
    expect(grants.map((g) => g.i)).toEqual([0, 1, 2, 3, 4, 5])
    // Any three consecutive grants span at least one window.
    for (let k = 2; k < grants.length; k++) {
      expect((grants[k] as { at: number }).at - (grants[k - 2] as { at: number }).at).toBeGreaterThanOrEqual(200)
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

  it('serves committed work ahead of client work that queued before it', async () => {
    const s = scheduler(5_000, { max: 1, windowMs: 60 })
    await s.acquire()
    const order: string[] = []
    const waits = [queue(s, order, 'client-1', { lane: 'client' }), queue(s, order, 'client-2', { lane: 'client' })]
    waits.push(queue(s, order, 'committed', { lane: 'committed' }))
    await Promise.all(waits)
    expect(order).toEqual(['committed', 'client-1', 'client-2'])
  })

  it('never refuses committed work for budget, however long it waits', async () => {
    const s = scheduler(50, { max: 1, windowMs: 150 })
    await s.acquire()
    const results = await Promise.allSettled([
      s.acquire({ lane: 'client' }),
      s.acquire({ lane: 'committed' }),
      s.acquire({ lane: 'committed' }),
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled'])
  })

  it('serves the waiting work of different keys in turn', async () => {
    const s = scheduler(5_000, { max: 1, windowMs: 30 })
    await s.acquire()
    const order: string[] = []
    const waits = Array.from({ length: 4 }, (_, i) => queue(s, order, `a${i}`, { lane: 'client', party: 'a' }))
    waits.push(
      queue(s, order, 'b0', { lane: 'client', party: 'b' }),
      queue(s, order, 'b1', { lane: 'client', party: 'b' }),
    )
    await Promise.all(waits)
    expect(order).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'a3'])
  })

  it('gives a key as many grants per turn as its weight', async () => {
    const s = scheduler(5_000, { max: 1, windowMs: 30 }, new MemoryBudgetStore(() => clock.now()), {
      mode: 'round-robin',
      weights: { a: 2 },
    })
    await s.acquire()
    const order: string[] = []
    const waits = Array.from({ length: 4 }, (_, i) => queue(s, order, `a${i}`, { lane: 'client', party: 'a' }))
    waits.push(...Array.from({ length: 2 }, (_, i) => queue(s, order, `b${i}`, { lane: 'client', party: 'b' })))
    await Promise.all(waits)
    expect(order).toEqual(['a0', 'a1', 'b0', 'a2', 'a3', 'b1'])
  })

  it('serves arrival order alone in fifo mode', async () => {
    const s = scheduler(5_000, { max: 1, windowMs: 30 }, new MemoryBudgetStore(() => clock.now()), {
      mode: 'fifo',
      weights: {},
    })
    await s.acquire()
    const order: string[] = []
    const waits = ['a0', 'a1', 'a2'].map((label) => queue(s, order, label, { lane: 'client', party: 'a' }))
    waits.push(queue(s, order, 'b0', { lane: 'client', party: 'b' }))
    await Promise.all(waits)
    expect(order).toEqual(['a0', 'a1', 'a2', 'b0'])
  })

  it('serves background work only when no other lane waits', async () => {
    const s = scheduler(5_000, { max: 1, windowMs: 40 })
    await s.acquire()
    const order: string[] = []
    const waits = [queue(s, order, 'background', { lane: 'background' }), queue(s, order, 'client', { lane: 'client' })]
    waits.push(queue(s, order, 'committed', { lane: 'committed' }))
    await Promise.all(waits)
    expect(order).toEqual(['committed', 'client', 'background'])
  })

  it('lists waiting work by lane and key', async () => {
    const s = scheduler(5_000, { max: 1, windowMs: 50 })
    await s.acquire()
    const waits = [
      s.acquire({ lane: 'client', party: 'a' }),
      s.acquire({ lane: 'client', party: 'a' }),
      s.acquire({ lane: 'committed' }),
    ]
    expect(s.queuedWork()).toEqual([
      { lane: 'committed', party: '-', count: 1 },
      { lane: 'background', party: '-', count: 0 },
      { lane: 'client', party: 'a', count: 2 },
    ])
    await Promise.all(waits)
  })

  it('admits work of several calls only when all of them could be had within the wait', async () => {
    const s = scheduler(150, { max: 1, windowMs: 100 })
    // On a free budget, two calls need only their own spacing: admitted.
    await expect(s.admitWork(2, { lane: 'client' })).resolves.toBeUndefined()
    // With two calls queued ahead, the last of two more would wait far past 150 ms: refused
    // before anything is spent, with a Retry-After.
    const ahead = [s.acquire({ lane: 'committed' }), s.acquire({ lane: 'committed' })]
    await expect(s.admitWork(2, { lane: 'client' })).rejects.toMatchObject({ code: 'rate_limited' })
    // A request under way, and other lanes, are never refused.
    await expect(s.admitWork(2, { lane: 'committed' })).resolves.toBeUndefined()
    await Promise.all(ahead)
  })

  it('does not refuse the other calls of a request once one of them was granted', async () => {
    const s = scheduler(150, { max: 1, windowMs: 100 })
    await s.acquire()
    const request = {}
    const other = {}
    // Three calls of one request and one of another, all queued at once: the first grant
    // starts the request, whose remaining calls then wait past the 150 ms maximum.
    const results = await Promise.allSettled([
      s.acquire({ lane: 'client', request }),
      s.acquire({ lane: 'client', request }),
      s.acquire({ lane: 'client', request }),
      s.acquire({ lane: 'client', request: other }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected'])
  })
})
