import { describe, expect, it } from 'vitest'
import type { RateLimit } from '../../../src/config.js'
import { GATEWAY_CLOCK_SKEW_MS, absentCalls, ownerOf, slotAt, slotPlan } from '../../../src/upstreams/budget/slots.js'

/** The most calls any rolling window of `windowMs` holds. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= windowMs) j++
    most = Math.max(most, i - j + 1)
  }
  return most
}

/**
 * Replicas calling as often as they may for `horizonMs`: `local` ones by their slots alone,
 * each with its clock off by the given offset; the rest through one shared log, counting the
 * local ones' slots as spent. Returns the true times of every call.
 */
function drive(limit: RateLimit, replicas: number, local: Map<number, number>, horizonMs: number): number[] {
  const plan = slotPlan(limit, replicas)
  const calls: number[] = []
  const shared: number[] = []
  const usedInSlice = new Map<string, number>()
  const absent = new Set(local.keys())
  for (let now = 0; now < horizonMs; now += 5) {
    for (let slot = 0; slot < replicas; slot++) {
      const offset = local.get(slot)
      if (offset !== undefined) {
        const at = slotAt(plan, slot, now + offset)
        if (!at.open) continue
        const used = usedInSlice.get(`${slot}:${at.slice}`) ?? 0
        if (used >= plan.quota) continue
        usedInSlice.set(`${slot}:${at.slice}`, used + 1)
        calls.push(now)
        continue
      }
      const inWindow = shared.filter((t) => t > now - limit.windowMs).length
      if (inWindow + absentCalls(plan, limit.windowMs, absent, now) >= limit.max) continue
      shared.push(now)
      calls.push(now)
    }
  }
  return calls
}

const skew = GATEWAY_CLOCK_SKEW_MS - 1

describe('time slots for replicas without the shared budget', () => {
  it.each([
    {
      name: 'BatchBook, two replicas on their own',
      limit: { max: 1, windowMs: 1_100 },
      replicas: 2,
      local: [
        [0, skew],
        [1, -skew],
      ],
    },
    {
      name: 'BatchBook, three replicas, one still on Redis',
      limit: { max: 1, windowMs: 1_100 },
      replicas: 3,
      local: [
        [0, -skew],
        [2, skew],
      ],
    },
    {
      name: 'Snappy, two replicas, one on its own',
      limit: { max: 200, windowMs: 63_000 },
      replicas: 2,
      local: [[1, skew]],
    },
    {
      name: 'Snappy, three replicas on their own',
      limit: { max: 200, windowMs: 63_000 },
      replicas: 3,
      local: [
        [0, skew],
        [1, -skew],
        [2, 0],
      ],
    },
    {
      name: 'ten a second, three replicas, two on Redis',
      limit: { max: 10, windowMs: 1_100 },
      replicas: 3,
      local: [[1, -skew]],
    },
  ])('keeps every rolling window under the limit: $name', ({ limit, replicas, local }) => {
    const calls = drive(limit, replicas, new Map(local as Array<[number, number]>), limit.windowMs * 12)
    expect(calls.length).toBeGreaterThan(0)
    expect(busiestWindow(calls, limit.windowMs)).toBeLessThanOrEqual(limit.max)
  })

  it('gives every replica slices in turn, with idle slices between them when one call a window is all', () => {
    const plan = slotPlan({ max: 1, windowMs: 1_000 }, 2)
    expect([0, 1, 2, 3, 4, 5].map((slice) => ownerOf(plan, slice))).toEqual([0, null, 1, null, 0, null])
    const snappy = slotPlan({ max: 200, windowMs: 60_000 }, 3)
    expect(snappy).toMatchObject({ sliceMs: 5_000, quota: 15, stride: 1 })
    expect([0, 1, 2, 3].map((slice) => ownerOf(snappy, slice))).toEqual([0, 1, 2, 0])
  })

  it('says how long until a replica’s next slice opens', () => {
    const plan = slotPlan({ max: 1, windowMs: 1_000 }, 2)
    expect(slotAt(plan, 0, 500)).toEqual({ open: true, slice: 0 })
    expect(slotAt(plan, 1, 500)).toEqual({ open: false, waitMs: 2_000 + plan.guardMs - 500 })
    expect(slotAt(plan, 0, 4_000 + plan.guardMs - 10)).toEqual({ open: false, waitMs: 10 })
  })
})
