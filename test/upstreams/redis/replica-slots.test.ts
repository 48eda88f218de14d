/**
 * The gateways on Redis hold a silent gateway's time slots for it only for a bounded time: long
 * enough for one cut off from Redis to stop using them (see fallback.ts), short enough that a
 * dead one does not hold the others back for good.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { realClock } from '../../../src/clock.js'
import { RedisReplicaSlots } from '../../../src/upstreams/redis/replica-slots.js'
import { closeTestRedis, testPrefix, testRedis } from '../../helpers/redis.js'

afterAll(closeTestRedis)

const FAILOVER_MS = 30_000
const WINDOW_MS = 1_000

describe('RedisReplicaSlots', () => {
  it('counts a slot without a heartbeat as spent until the failover time and a window have passed', async () => {
    let now = 1_000_000
    const slots = new RedisReplicaSlots(await testRedis(testPrefix()), 2, 0, FAILOVER_MS, {
      ...realClock,
      now: () => now,
    })
    await slots.beat()
    expect(slots.heardAt).toBe(now)
    expect([...slots.absent(WINDOW_MS)]).toEqual([1])
    now += FAILOVER_MS
    await slots.beat()
    expect([...slots.absent(WINDOW_MS)]).toEqual([1])
    now += WINDOW_MS + 1_000
    await slots.beat()
    expect([...slots.absent(WINDOW_MS)]).toEqual([])
    // A longer window (Snappy's minute) holds it longer: its last calls must leave that window.
    expect([...slots.absent(60_000)]).toEqual([1])
  })

  it('counts a slot again from the start once its gateway came back and went away again', async () => {
    let now = 1_000_000
    const prefix = testPrefix()
    const redis = await testRedis(prefix)
    const slots = new RedisReplicaSlots(redis, 2, 0, FAILOVER_MS, { ...realClock, now: () => now })
    const other = new RedisReplicaSlots(await testRedis(prefix), 2, 1, FAILOVER_MS, { ...realClock, now: () => now })
    await slots.beat()
    now += FAILOVER_MS + 10_000
    await slots.beat()
    expect([...slots.absent(WINDOW_MS)]).toEqual([])
    await other.beat()
    await slots.beat()
    expect([...slots.absent(WINDOW_MS)]).toEqual([])
    await redis.del('replica:1')
    await slots.beat()
    expect([...slots.absent(WINDOW_MS)]).toEqual([1])
  })
})
