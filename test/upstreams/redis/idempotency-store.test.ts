import { afterAll, describe, expect, it } from 'vitest'
import { RedisIdempotencyStore } from '../../../src/upstreams/redis/idempotency-store.js'
import { closeTestRedis, testPrefix, testRedis } from '../../helpers/redis.js'

afterAll(closeTestRedis)

const response = { status: 201, headers: { location: '/v1/messages/msg_x' }, body: '{"id":"msg_x"}' }

describe('RedisIdempotencyStore', () => {
  it('reserves once across replicas, then replays the completed answer', async () => {
    const prefix = testPrefix()
    const a = new RedisIdempotencyStore(await testRedis(prefix))
    const b = new RedisIdempotencyStore(await testRedis(prefix))
    const reservations = await Promise.all([
      a.reserve('k', 'f', 60_000),
      b.reserve('k', 'f', 60_000),
      a.reserve('k', 'f', 60_000),
    ])
    expect(reservations.filter((r) => r.state === 'reserved')).toHaveLength(1)
    expect(reservations.filter((r) => r.state === 'in-progress')).toHaveLength(2)
    await a.complete('k', 'f', response, 60_000)
    expect(await b.reserve('k', 'f', 60_000)).toEqual({ state: 'completed', response })
  })

  it('reports a mismatch for another request under the same key', async () => {
    const store = new RedisIdempotencyStore(await testRedis())
    await store.reserve('k', 'f', 60_000)
    expect(await store.reserve('k', 'g', 60_000)).toEqual({ state: 'mismatch' })
  })

  it('frees a released reservation but never a completed answer', async () => {
    const store = new RedisIdempotencyStore(await testRedis())
    await store.reserve('k', 'f', 60_000)
    await store.release('k')
    expect(await store.reserve('k', 'f', 60_000)).toEqual({ state: 'reserved' })
    await store.complete('k', 'f', response, 60_000)
    await store.release('k')
    expect((await store.reserve('k', 'f', 60_000)).state).toBe('completed')
  })
})
