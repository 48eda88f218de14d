import { describe, expect, it } from 'vitest'
import { cuttable } from '../../helpers/cuttable.js'
import type { BudgetStore } from '../../../src/upstreams/budget/store.js'
import { MemoryBudgetStore } from '../../../src/upstreams/budget/memory-store.js'
import { slotAt, slotPlan } from '../../../src/upstreams/budget/slots.js'
import {
  FallbackBudgetStore,
  GuardedIdempotencyStore,
  PRESENCE_LAG_MS,
  type ReplicaSlots,
  ResilientCacheStore,
} from '../../../src/upstreams/redis/fallback.js'
import { MemoryCacheStore } from '../../../src/upstreams/cache/memory-store.js'
import type { CacheStore } from '../../../src/upstreams/cache/store.js'
import { MemoryIdempotencyStore } from '../../../src/upstreams/idempotency/memory-store.js'
import type { IdempotencyStore } from '../../../src/upstreams/idempotency/store.js'

const down: BudgetStore = {
  take: async () => Promise.reject(new Error('Connection is closed.')),
  status: async () => Promise.reject(new Error('Connection is closed.')),
  pause: async () => Promise.reject(new Error('Connection is closed.')),
}

/** A shared budget that can be cut and restored, granting up to `max` per window while up. */
const switchable = (now: () => number) => cuttable<BudgetStore>(new MemoryBudgetStore(now))

/** The fallback budget of replica `slot` of `replicas`, on a clock the test moves. */
function fallback(shared: BudgetStore, replicas: number, slot: number | null, now: () => number): FallbackBudgetStore {
  return new FallbackBudgetStore(shared, { replicas, slots: slots(slot), onFailure: () => undefined, now })
}

const slots = (slot: number | null, heardAt = 0): ReplicaSlots => ({ slot, heardAt, absent: () => new Set() })
const BATCHBOOK = { max: 1, windowMs: 1_100 }

describe('when Redis is unreachable', () => {
  it('reports the failure once and says it is degraded', async () => {
    const failures: unknown[] = []
    const store = new FallbackBudgetStore(down, {
      replicas: 3,
      slots: slots(0),
      onFailure: (err) => failures.push(err),
    })
    await Promise.all(Array.from({ length: 5 }, () => store.take('k', BATCHBOOK)))
    expect(store.degraded).toBe(true)
    expect(failures).toHaveLength(1)
  })

  it('alone, counts the grants it made through Redis and goes on with the whole limit', async () => {
    let now = 10_000
    const link = switchable(() => now)
    const store = fallback(link.store, 1, 0, () => now)
    expect((await store.take('k', BATCHBOOK)).granted).toBe(true)
    link.cut()
    now += 500
    expect((await store.take('k', BATCHBOOK)).granted).toBe(false)
    now += 100
    expect(await store.take('k', BATCHBOOK)).toEqual({ granted: false, retryAfterMs: 500 })
    now += 500
    expect((await store.take('k', BATCHBOOK)).granted).toBe(true)
  })

  it('with other replicas, waits a window and the presence lag, then calls only in its own slots', async () => {
    let now = 100_000
    const link = switchable(() => now)
    const store = fallback(link.store, 2, 1, () => now)
    link.cut()
    const first = await store.take('k', BATCHBOOK)
    expect(first).toEqual({ granted: false, retryAfterMs: BATCHBOOK.windowMs + PRESENCE_LAG_MS })
    const grants: number[] = []
    for (const end = now + 30_000; now < end; now += 10)
      if ((await store.take('k', BATCHBOOK)).granted) grants.push(now)
    const plan = slotPlan(BATCHBOOK, 2)
    expect(grants.length).toBeGreaterThan(3)
    for (const at of grants) {
      expect(at).toBeGreaterThanOrEqual(100_000 + BATCHBOOK.windowMs + PRESENCE_LAG_MS)
      expect(slotAt(plan, 1, at).open).toBe(true)
    }
    for (let i = 1; i < grants.length; i++)
      expect(grants[i]! - grants[i - 1]!).toBeGreaterThanOrEqual(2 * BATCHBOOK.windowMs)
  })

  it('makes no call without a slot of its own', async () => {
    let now = 0
    const store = fallback(down, 2, null, () => now)
    for (; now < 20_000; now += 50) expect((await store.take('k', BATCHBOOK)).granted).toBe(false)
  })

  it('cut off for longer than the failover time, calls no more: the others may use its slots by then', async () => {
    let now = 100_000
    const store = new FallbackBudgetStore(down, {
      replicas: 2,
      slots: slots(1, now),
      failoverMs: 30_000,
      onFailure: () => undefined,
      now: () => now,
    })
    const grants: number[] = []
    for (const end = now + 60_000; now < end; now += 10)
      if ((await store.take('k', BATCHBOOK)).granted) grants.push(now)
    expect(grants.length).toBeGreaterThan(3)
    expect(Math.max(...grants)).toBeLessThan(100_000 + 30_000)
  })

  it('back on Redis, waits until its local grants have left the window before taking from Redis', async () => {
    let now = 0
    const link = switchable(() => now)
    const store = fallback(link.store, 1, 0, () => now)
    link.cut()
    expect((await store.take('k', BATCHBOOK)).granted).toBe(false)
    now += 1_000
    expect((await store.take('k', BATCHBOOK)).granted).toBe(true)
    link.restore()
    now += 1_000
    expect(await store.take('k', BATCHBOOK)).toEqual({ granted: false, retryAfterMs: 100 })
    expect(store.degraded).toBe(false)
    now += 100
    expect((await store.take('k', BATCHBOOK)).granted).toBe(true)
  })

  it('answers idempotent requests with 503 rather than risk a second write', async () => {
    const store = new GuardedIdempotencyStore({
      reserve: async () => Promise.reject(new Error('down')),
      markWriting: async () => Promise.reject(new Error('down')),
      complete: async () => undefined,
      release: async () => undefined,
    })
    await expect(store.reserve('k', 'f', 1000)).rejects.toMatchObject({ code: 'store_unavailable', status: 503 })
    // A write whose mark cannot be kept is not sent.
    await expect(store.markWriting('k', 'h')).rejects.toMatchObject({ code: 'store_unavailable', status: 503 })
  })

  it('keeps an outcome Redis cannot take, answers repeats here from it, and hands it to Redis once back', async () => {
    const records = new MemoryIdempotencyStore()
    const link = cuttable<IdempotencyStore>(records)
    const flaky = link.store
    const failures: unknown[] = []
    const store = new GuardedIdempotencyStore(flaky, (err) => failures.push(err))
    expect(await store.reserve('k', 'f', 60_000)).toEqual({ state: 'reserved' })
    link.cut()
    const answer = { status: 201, headers: { location: '/v1/messages/msg_x' }, body: '{}' }
    await store.complete('k', 'f', answer, 60_000)
    expect(failures).toHaveLength(1)
    expect(await store.reserve('k', 'f', 60_000)).toEqual({ state: 'completed', response: answer })
    expect(await store.reserve('k', 'other', 60_000)).toEqual({ state: 'mismatch' })
    // Another replica meanwhile sees the reservation, never a free key.
    link.restore()
    expect(await records.reserve('k', 'f', 60_000)).toEqual({ state: 'in-progress' })
    await new Promise((resolve) => setTimeout(resolve, 1_200))
    expect(store.pending).toBe(0)
    expect(await records.reserve('k', 'f', 60_000)).toEqual({ state: 'completed', response: answer })
    store.stop()
  })
})

describe('the read cache when invalidations fail', () => {
  it('serves nothing from the cache until the failed invalidations are replayed', async () => {
    const memory = new MemoryCacheStore({ maxBytes: 1_000_000, staleMs: 60_000 })
    const link = cuttable<CacheStore>(memory)
    const flaky = link.store
    const cache = new ResilientCacheStore(flaky, () => undefined)
    const entry = {
      value: 'before the write',
      size: 10,
      storedAt: Date.now(),
      freshUntil: Date.now() + 60_000,
      tags: ['record:1'],
    }
    await cache.set('record-1', entry)
    link.cut()
    await cache.invalidate(['record:1'])
    link.restore()
    // The entry is still in Redis, but the replayed invalidation removes it before any read.
    expect(await cache.get('record-1')).toBeUndefined()
    expect(await memory.get('record-1')).toBeUndefined()
    cache.stop()
  })
})
