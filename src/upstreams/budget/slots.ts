/**
 * How replicas that cannot reach their shared budget still stay under an upstream's limit:
 * time is cut into slices, each slice belongs to one replica (by its slot number) or to
 * nobody, and a replica calls only inside its own slices, at most `quota` times each. The
 * plan is chosen so that any rolling window of the limit, wherever it falls, overlaps slices
 * holding at most `max` calls in all:
 *
 * - `max` of 2 or more: slices of window/k (k + 1 slices overlap any window), every slice
 *   owned in turn, quota max/(k + 1);
 * - `max` of 1: slices one window long, every other one owned by nobody, so a window
 *   overlaps at most one owned slice, quota 1.
 *
 * A replica keeps `guardMs` away from its slices' edges, so clocks that differ by less than
 * that cannot make two replicas' slices overlap. The replicas that do reach the shared budget
 * count the slices of the replicas that do not as spent (see the Redis budget script).
 */
import type { RateLimit } from '../../config.js'

export interface SlotPlan {
  sliceMs: number
  quota: number
  /** 1: every slice is owned; 2: only even slices are. */
  stride: 1 | 2
  replicas: number
  guardMs: number
}

/** How far apart the clocks of two gateways may be (NTP keeps them far closer). */
export const GATEWAY_CLOCK_SKEW_MS = 250

/** At most this many slices a window: finer slices spread a replica's calls more evenly. */
const MAX_SLICES_PER_WINDOW = 12

export function slotPlan(limit: RateLimit, replicas: number): SlotPlan {
  if (limit.max >= 2) {
    const k = Math.min(limit.max - 1, MAX_SLICES_PER_WINDOW)
    const sliceMs = Math.ceil(limit.windowMs / k)
    return { sliceMs, quota: Math.floor(limit.max / (k + 1)), stride: 1, replicas, guardMs: guard(sliceMs) }
  }
  return { sliceMs: limit.windowMs, quota: 1, stride: 2, replicas, guardMs: guard(limit.windowMs) }
}

function guard(sliceMs: number): number {
  return Math.min(GATEWAY_CLOCK_SKEW_MS, Math.floor(sliceMs / 4))
}

/** The slot that owns slice `index`, or null when nobody does. */
export function ownerOf(plan: SlotPlan, index: number): number | null {
  if (index % plan.stride !== 0) return null
  return (index / plan.stride) % plan.replicas
}

export type SlotVerdict = { open: true; slice: number } | { open: false; waitMs: number }

/**
 * Whether replica `slot` may call at `now`: inside one of its slices, away from the edges.
 * When not, how long until its next slice opens.
 */
export function slotAt(plan: SlotPlan, slot: number, now: number): SlotVerdict {
  const slice = Math.floor(now / plan.sliceMs)
  const start = slice * plan.sliceMs
  if (ownerOf(plan, slice) === slot) {
    if (now < start + plan.guardMs) return { open: false, waitMs: start + plan.guardMs - now }
    if (now < start + plan.sliceMs - plan.guardMs) return { open: true, slice }
  }
  const cycle = plan.replicas * plan.stride
  for (let next = slice + 1; next <= slice + cycle; next++) {
    if (ownerOf(plan, next) === slot) return { open: false, waitMs: next * plan.sliceMs + plan.guardMs - now }
  }
  // Only reachable with a slot the plan does not have.
  return { open: false, waitMs: plan.sliceMs }
}

/**
 * Calls that replicas in `absent` (not reaching the shared budget) may make in the slices that
 * reach within one window (and the clock skew) of `now`, before or after: a replica that does
 * reach the shared budget counts them as spent before it calls.
 */
export function absentCalls(plan: SlotPlan, windowMs: number, absent: ReadonlySet<number>, now: number): number {
  if (absent.size === 0) return 0
  let calls = 0
  const first = Math.floor((now - windowMs - plan.guardMs) / plan.sliceMs)
  const last = Math.floor((now + windowMs + plan.guardMs) / plan.sliceMs)
  for (let slice = first; slice <= last; slice++) {
    const owner = ownerOf(plan, slice)
    if (owner !== null && absent.has(owner)) calls += plan.quota
  }
  return calls
}
