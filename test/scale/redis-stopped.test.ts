/** Replicas losing Redis for 30 s at three times both budgets: see test/helpers/outage-run.ts. */
import { afterEach, describe, it } from 'vitest'
import { drive, endRun, expectClean, onEnd, startRun } from '../helpers/outage-run.js'
import { startOwnRedis } from '../helpers/redis-server.js'

afterEach(endRun)

describe('replicas losing Redis for 30 s at three times the budget', () => {
  it('two replicas, Redis stopped and started again', { timeout: 180_000 }, async () => {
    const redis = await startOwnRedis()
    onEnd(() => redis.stop())
    const run = await startRun(2, redis.url)
    const result = await drive(run, { begin: () => redis.stop(), end: () => redis.start() })
    expectClean(run, result)
  })
})
