/** Replicas losing Redis for 30 s at three times both budgets: see test/helpers/outage-run.ts. */
import { afterEach, describe, it } from 'vitest'
import { drive, endRun, expectClean, onEnd, startRun } from '../helpers/outage-run.js'
import { startOwnRedis, startProxy } from '../helpers/redis-server.js'

afterEach(endRun)

describe('replicas losing Redis for 30 s at three times the budget', () => {
  it('three replicas, the network to Redis cut and restored', { timeout: 180_000 }, async () => {
    const redis = await startOwnRedis()
    onEnd(() => redis.stop())
    const proxy = await startProxy(Number(new URL(redis.url).port))
    onEnd(() => proxy.close())
    const run = await startRun(3, proxy.url)
    const result = await drive(run, { begin: () => proxy.cut(), end: () => proxy.restore() })
    expectClean(run, result)
  })
})
