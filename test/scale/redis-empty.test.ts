/**
 * Redis killed in the middle of Snappy's one-minute window and started again without its data
 * (no persistence): the grants made through it before the kill are still in the upstream's
 * window. Each gateway knows its own and writes them back before any takes budget again, so at
 * three times both budgets no limit is exceeded. (Without persistence the Idempotency-Key
 * records are lost too: this run sends no keyed writes; see the README.)
 */
import { afterEach, describe, it } from 'vitest'
import { type Phases, drive, endRun, expectClean, onEnd, startRun } from '../helpers/outage-run.js'
import { startOwnRedis } from '../helpers/redis-server.js'

afterEach(endRun)

const PHASES: Phases = { beforeMs: 20_000, outageMs: 20_000, afterMs: 40_000, writes: false }

describe('a Redis restarted empty in the middle of a window', () => {
  it.each([2, 3])('%s gateways at three times the budget stay under both limits', { timeout: 180_000 }, async (n) => {
    const redis = await startOwnRedis()
    onEnd(() => redis.stop())
    const run = await startRun(n, redis.url)
    const result = await drive(
      run,
      { begin: () => redis.stop('SIGKILL'), end: () => redis.start({ empty: true }) },
      PHASES,
    )
    expectClean(run, result)
  })
})
