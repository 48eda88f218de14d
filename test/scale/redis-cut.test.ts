/** Replicas losing Redis for 30 s at three times both budgets: see test/helpers/outage-run.ts. */
import { afterEach, describe, it } from 'vitest'
import { drive, endRun, expectClean, onEnd, startRun } from '../helpers/outage-run.js'
import { startOwnRedis } from '../helpers/redis-server.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'

afterEach(endRun)

describe('replicas losing Redis for 30 s at three times the budget', () => {
  it('three replicas, the network to Redis cut and restored', { timeout: 180_000 }, async () => {
    const redis = await startOwnRedis()
    onEnd(() => redis.stop())
    // The network stops delivering: every socket stays open, nothing is lost.
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(redis.url).port) })
    onEnd(() => proxy.close())
    const run = await startRun(3, `redis://127.0.0.1:${proxy.port}`)
    const result = await drive(run, { begin: () => proxy.pause(), end: () => proxy.restore() })
    expectClean(run, result)
  })
})
