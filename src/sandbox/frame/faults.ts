/**
 * Fault injection shared by both simulators. Tests (and people poking at the sandbox) queue
 * faults; each request takes at most one queued fault whose filter matches it.
 */
export type FaultKind =
  /** Answer with `status` (and `retryAfter` seconds when given) instead of the real response. */
  | { type: 'status'; status: number; retryAfter?: number; body?: string; contentType?: string }
  /** Answer with the real status but a truncated, unparseable body. */
  | { type: 'malformed' }
  /** Send headers and part of a body, then destroy the connection. */
  | { type: 'reset' }
  /** Hold the request this long before handling it. */
  | { type: 'latency'; ms: number }

interface FaultFilter {
  /** Upper-case HTTP method; any when absent. */
  method?: string
  /** Path prefix (without query string); any when absent. */
  pathPrefix?: string
}

export type Fault = FaultKind &
  FaultFilter & {
    /** How many matching requests this fault applies to; 1 when absent. */
    times?: number
  }

interface QueuedFault {
  fault: Fault
  left: number
}

export class FaultInjector {
  readonly #queue: QueuedFault[] = []
  /** Latency added to every request, on top of any queued fault. */
  baseLatencyMs = 0

  inject(fault: Fault): void {
    const times = fault.times ?? 1
    if (!Number.isInteger(times) || times < 1) throw new RangeError('fault.times must be a positive integer')
    this.#queue.push({ fault, left: times })
  }

  /** Takes the first queued fault that matches this request, counting it down. */
  take(method: string, path: string): FaultKind | undefined {
    for (let i = 0; i < this.#queue.length; i++) {
      const queued = this.#queue[i] as QueuedFault
      const { fault } = queued
      if (fault.method !== undefined && fault.method !== method) continue
      if (fault.pathPrefix !== undefined && !path.startsWith(fault.pathPrefix)) continue
      queued.left--
      if (queued.left === 0) this.#queue.splice(i, 1)
      return fault
    }
    return undefined
  }

  get pending(): number {
    return this.#queue.reduce((sum, q) => sum + q.left, 0)
  }

  clear(): void {
    this.#queue.length = 0
    this.baseLatencyMs = 0
  }
}
