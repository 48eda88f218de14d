import { afterAll, describe, expect, it } from 'vitest'
import { RedisCacheStore } from '../../../src/upstreams/redis/cache-store.js'
import { closeTestRedis, testPrefix, testRedis } from '../../helpers/redis.js'

afterAll(closeTestRedis)

const entry = (value: unknown, tags: string[], freshMs = 60_000) => ({
  value,
  size: 10,
  storedAt: Date.now(),
  freshUntil: Date.now() + freshMs,
  tags,
})

describe('RedisCacheStore', () => {
  it('round-trips entries as JSON', async () => {
    const store = new RedisCacheStore(await testRedis(), { staleMs: 1_000 })
    await store.set('k', entry({ a: [1, 'é'] }, ['t']))
    expect(await store.get('k')).toMatchObject({ value: { a: [1, 'é'] }, tags: ['t'] })
    expect(await store.get('missing')).toBeUndefined()
  })

  it('invalidates by tag for every replica', async () => {
    const prefix = testPrefix()
    const a = new RedisCacheStore(await testRedis(prefix), { staleMs: 1_000 })
    const b = new RedisCacheStore(await testRedis(prefix), { staleMs: 1_000 })
    await a.set('record', entry(1, ['comm:1', 'list']))
    await a.set('other', entry(2, ['comm:2']))
    await b.invalidate(['comm:1'])
    expect(await a.get('record')).toBeUndefined()
    expect(await a.get('other')).toBeDefined()
  })

  it('drops an entry after its freshness plus the stale window', async () => {
    const store = new RedisCacheStore(await testRedis(), { staleMs: 50 })
    await store.set('k', entry(1, [], 10))
    await new Promise((r) => setTimeout(r, 150))
    expect(await store.get('k')).toBeUndefined()
  })
})
