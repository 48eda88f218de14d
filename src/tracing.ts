/**
 * W3C Trace Context: an incoming `traceparent` is accepted when well-formed (otherwise a new
 * trace starts), and every upstream call carries the same trace id with a span id of its own.
 */
import { randomFillSync } from 'node:crypto'

export interface TraceContext {
  traceId: string
  flags: string
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/
const ZERO_TRACE = '0'.repeat(32)
const ZERO_SPAN = '0'.repeat(16)

/** The caller's trace, or null when it sent none (or a malformed one). */
export function acceptTraceparent(header: string | string[] | undefined): TraceContext | null {
  if (header === undefined) return null
  const value = Array.isArray(header) ? header[0] : header
  const match = value === undefined ? null : TRACEPARENT.exec(value.trim().toLowerCase())
  if (match !== null && match[1] !== ZERO_TRACE && match[2] !== ZERO_SPAN)
    return { traceId: match[1] as string, flags: match[3] as string }
  return null
}

/**
 * Ids come from a pool of random bytes refilled a few KiB at a time: one call into the
 * system's generator per few hundred ids instead of one per id, which every upstream call needs.
 */
const POOL_BYTES = 4096
const pool = Buffer.allocUnsafe(POOL_BYTES)
let used = POOL_BYTES

function randomHex(bytes: number): string {
  if (used + bytes > POOL_BYTES) {
    randomFillSync(pool)
    used = 0
  }
  const hex = pool.toString('hex', used, used + bytes)
  used += bytes
  return hex
}

/** A new trace, started when a request without one first calls upstream. */
export function newTrace(): TraceContext {
  return { traceId: randomHex(16), flags: '01' }
}

/** The header for one upstream call: our trace, a fresh span. */
export function childTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${randomHex(8)}-${trace.flags}`
}
