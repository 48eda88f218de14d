import { afterAll, describe, expect, it } from 'vitest'
import { RedisBudgetStore } from '../../../src/upstreams/redis/budget-store.js'
import { closeTestRedis, testPrefix, testRedis } from '../../helpers/redis.js'

afterAll(closeTestRedis)

describe('RedisBudgetStore', () => {
  it('grants up to max per rolling window and says when the next unit frees up', async () => {
    const store = new RedisBudgetStore(await testRedis())
    const limit = { max: 2, windowMs: 5_000 }
    expect(await store.take('k', limit)).toEqual({ granted: true, remaining: 1 })
    expect(await store.take('k', limit)).toEqual({ granted: true, remaining: 0 })
    const refused = await store.take('k', limit)
    expect(refused.granted).toBe(false)
    expect(!refused.granted && refused.retryAfterMs > 4_000 && refused.retryAfterMs <= 5_000).toBe(true)
    expect((await store.status('k', limit)).remaining).toBe(0)
  })

  it('shares one budget between replicas: concurrent takes from three connections grant exactly max', async () => {
    const prefix = testPrefix()
    const stores = await Promise.all([1, 2, 3].map(async () => new RedisBudgetStore(await testRedis(prefix))))
    const limit = { max: 10, windowMs: 10_000 }
    const verdicts = await Promise.all(Array.from({ length: 60 }, (_, i) => stores[i % 3]!.take('shared', limit)))
    expect(verdicts.filter((v) => v.granted)).toHaveLength(10)
  })

  it('grants nothing while paused', async () => {
    const store = new RedisBudgetStore(await testRedis())
    const limit = { max: 5, windowMs: 1_000 }
    await store.pause('k', Date.now() + 3_000)
    const verdict = await store.take('k', limit)
    expect(verdict.granted).toBe(false)
    expect(!verdict.granted && verdict.retryAfterMs > 2_000).toBe(true)
    expect((await store.status('k', limit)).remaining).toBe(0)
  })

  it('keeps keys apart', async () => {
    const store = new RedisBudgetStore(await testRedis())
    const limit = { max: 1, windowMs: 5_000 }
    expect((await store.take('a', limit)).granted).toBe(true)
    expect((await store.take('b', limit)).granted).toBe(true)
  })

  it('refuses background takes while a refused foreground take marks the key as wanted', async () => {
    const store = new RedisBudgetStore(await testRedis())
    const key = `${testPrefix()}demand`
    const limit = { max: 1, windowMs: 300 }
    expect((await store.take(key, limit, 'client')).granted).toBe(true)
    expect((await store.take(key, limit, 'client')).granted).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 350))
    // The window has passed, but the demand marker holds background work back for one interval.
    const held = await store.take(key, limit, 'background')
    expect(held.granted).toBe(false)
    expect((await store.take(key, limit, 'committed')).granted).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 650))
    expect((await store.take(key, limit, 'background')).granted).toBe(true)
  })

  it('counts the time slots of replicas that cannot reach Redis as spent', async () => {
    const limit = { max: 1, windowMs: 500 }
    // Two replicas, the other one absent: of every 2 s cycle (slices of 500 ms: this replica's,
    // idle, the other's, idle) only this replica's own slice is more than a window away from
    // the other's.
    const store = new RedisBudgetStore(await testRedis(), { replicas: 2, absent: () => new Set([1]) })
    const key = `${testPrefix()}absent`
    const grants: number[] = []
    for (const end = Date.now() + 4_200; Date.now() < end;) {
      const verdict = await store.take(key, limit)
      if (verdict.granted) grants.push(Date.now())
      await new Promise((resolve) => setTimeout(resolve, verdict.granted ? 20 : Math.min(verdict.retryAfterMs, 50)))
    }
    expect(grants.length).toBeGreaterThan(0)
    for (const at of grants) expect(at % 2_000).toBeLessThan(500 + 50)
  })
})

describe('a Redis that comes back empty', () => {
  it('gets every live gateway’s grants of the window back before it grants again', async () => {
    const prefix = testPrefix()
    const limit = { max: 5, windowMs: 10_000 }
    // Two gateways, each knowing its own grants as the fallback budget keeps them.
    const grants: number[][] = [[], []]
    const stores = await Promise.all(
      [0, 1].map(
        async (i) =>
          new RedisBudgetStore(await testRedis(prefix), {
            replicas: 2,
            absent: () => new Set(),
            ownGrants: (_key, since) => (grants[i] as number[]).filter((at) => at > since),
          }),
      ),
    )
    const take = async (i: number) => {
      const verdict = await (stores[i] as RedisBudgetStore).take('k', limit)
      if (verdict.granted) grants[i]?.push(Date.now())
      return verdict
    }
    for (const i of [0, 0, 0, 1, 1]) expect((await take(i)).granted).toBe(true)
    expect((await take(0)).granted).toBe(false)
    // Redis restarted empty: the log and every mark of the key are gone.
    const redis = await testRedis(prefix)
    await redis.del('budget:{k}:log', 'budget:{k}:epoch', 'budget:{k}:pause', 'budget:{k}:demand')
    // The first gateway to take finds another epoch: it writes its grants back and holds the key,
    // until the other has written back too (its look every second).
    expect((await take(1)).granted).toBe(false)
    await new Promise((r) => setTimeout(r, 3_000))
    const after = await Promise.all([take(0), take(1), take(0)])
    expect(after.filter((v) => v.granted)).toHaveLength(0)
    for (const store of stores) store.stop()
  })
})
