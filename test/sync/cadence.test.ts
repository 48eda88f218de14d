/**
 * How often the syncs look for deletions follows from a budget share and the size of the data,
 * so the looking never takes more than that share of the limit, at any size.
 */
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { reconcileInterval } from '../../src/sync/batchbook.js'
import { rechecksPerPass } from '../../src/sync/snappy.js'
import { DEFAULT_BATCHBOOK_LIMIT } from '../../src/upstreams/batchbook/wire.js'
import { DEFAULT_SNAPPY_LIMIT } from '../../src/upstreams/snappy/wire.js'

const defaults = loadConfig({}).store.sync

describe('the BatchBook reconcile cadence', () => {
  it('walks 2,000 communications in pages of 100 every 200 s at the default 10%', () => {
    expect(reconcileInterval(defaults, DEFAULT_BATCHBOOK_LIMIT, 2_000, 100)).toBe(200_000)
  })

  it('spaces the walks out as the records grow, so they keep to the share', () => {
    for (const records of [10, 2_000, 20_000, 90_000]) {
      const interval = reconcileInterval(defaults, DEFAULT_BATCHBOOK_LIMIT, records, 100)
      const walk = Math.ceil(records / 100) * (DEFAULT_BATCHBOOK_LIMIT.windowMs / DEFAULT_BATCHBOOK_LIMIT.max)
      expect(walk / interval).toBeLessThanOrEqual(defaults.reconcileShare + 1e-9)
    }
  })

  it('walks no more often than it polls, however high the limit', () => {
    const interval = reconcileInterval(defaults, { max: 1_000_000, windowMs: 1_000 }, 20_000, 1_000)
    expect(interval).toBe(defaults.pollMs.batchbook)
  })

  it('keeps a fixed SYNC_RECONCILE_MS, 0 included', () => {
    const fixed = loadConfig({ SYNC_RECONCILE_MS: '0' }).store.sync
    expect(reconcileInterval(fixed, DEFAULT_BATCHBOOK_LIMIT, 90_000, 10)).toBe(0)
  })
})

describe('the Snappy rechecks', () => {
  it('read as many tickets a pass as 10% of 200 a minute allows over a poll interval', () => {
    // 200 calls a minute × 10% × 15 s.
    expect(rechecksPerPass(defaults, DEFAULT_SNAPPY_LIMIT)).toBe(5)
  })

  it('read at least one a pass', () => {
    expect(rechecksPerPass({ ...defaults, reconcileShare: 0.01 }, { max: 10, windowMs: 60_000 })).toBe(1)
  })
})
