/** What a simulator saw: the figures tests assert on (requests, limit violations, routes). */
export interface RecordedRequest {
  method: string
  /** Path and query string exactly as received. */
  url: string
  /** `METHOD /route/pattern`, or `METHOD (unmatched)`. */
  route: string
  credential: string | null
  /** The W3C trace context the caller sent, if any. */
  traceparent: string | null
  at: number
}

const RECENT_MAX = 1000

export class SimulatorStats {
  requests = 0
  limitViolations = 0
  readonly byRoute = new Map<string, number>()
  readonly #recent: RecordedRequest[] = []

  record(entry: RecordedRequest): void {
    this.requests++
    this.byRoute.set(entry.route, (this.byRoute.get(entry.route) ?? 0) + 1)
    if (this.#recent.length === RECENT_MAX) this.#recent.shift()
    this.#recent.push(entry)
  }

  /** The most recent requests (bounded), oldest first. */
  get recent(): readonly RecordedRequest[] {
    return this.#recent
  }

  count(route: string): number {
    return this.byRoute.get(route) ?? 0
  }

  reset(): void {
    this.requests = 0
    this.limitViolations = 0
    this.byRoute.clear()
    this.#recent.length = 0
  }

  toJSON() {
    return {
      requests: this.requests,
      limitViolations: this.limitViolations,
      byRoute: Object.fromEntries(this.byRoute),
      recent: this.#recent.slice(-50),
    }
  }
}
