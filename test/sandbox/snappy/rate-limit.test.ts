import { clockReading } from '../../helpers/virtual-clock.js'
import { afterEach, describe, expect, it } from 'vitest'
import { KEY, OTHER_KEY, startSnappy, type Running } from './helpers.js'

let s: Running | undefined
let clock = 0
afterEach(async () => {
  await s?.sim.close()
  s = undefined
})

async function burst(running: Running, count: number, key = KEY): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < count; i++) {
    const res = await running.api('GET', '/account/3249/mailboxes', { key })
    statuses.push(res.status)
    if (res.status === 429) expect(res.headers['retry-after']).toBe('60')
  }
  return statuses
}

describe('snappy simulator rate limit', () => {
  it('allows 200 requests per key in a minute by default, then answers 429 with Retry-After', async () => {
    clock = 1_000_000
    s = await startSnappy({ limit: undefined, clock: clockReading(() => clock) })
    const statuses = await burst(s, 207)
    expect(statuses.filter((c) => c === 200)).toHaveLength(200)
    expect(statuses.slice(200)).toEqual(Array(7).fill(429))
    expect(s.sim.stats.limitViolations).toBe(7)
  })

  it('accepts requests again once the window has rolled past', async () => {
    clock = 1_000_000
    s = await startSnappy({ limit: undefined, clock: clockReading(() => clock) })
    await burst(s, 201)
    clock += 60_001
    expect((await s.api('GET', '/accounts')).status).toBe(200)
    expect(s.sim.stats.limitViolations).toBe(1)
  })

  it('counts each key separately', async () => {
    clock = 1_000_000
    s = await startSnappy({ limit: { max: 3, windowMs: 60_000 }, clock: clockReading(() => clock) })
    expect(await burst(s, 4, KEY)).toEqual([200, 200, 200, 429])
    expect(await burst(s, 3, OTHER_KEY)).toEqual([200, 200, 200])
  })
})
