/**
 * A circuit breaker per connection. After `failureThreshold` consecutive failures it opens:
 * calls fail fast for `cooldownMs`, then one probe is let through (half-open). The probe's
 * success closes the circuit; its failure opens it for another cool-down.
 */
export type CircuitState = 'closed' | 'open' | 'half-open'

export interface BreakerOptions {
  failureThreshold: number
  cooldownMs: number
  now?: () => number
  onTransition?: (from: CircuitState, to: CircuitState) => void
}

export type Admission = { allowed: true; probe: boolean } | { allowed: false; retryAfterMs: number }

export class CircuitBreaker {
  readonly #options: BreakerOptions
  readonly #now: () => number
  #state: CircuitState = 'closed'
  #failures = 0
  #openedAt = 0
  #probeInFlight = false

  constructor(options: BreakerOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  /** The state as a caller would meet it now (an open circuit past its cool-down is half-open). */
  get state(): CircuitState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.#options.cooldownMs) return 'half-open'
    return this.#state
  }

  get consecutiveFailures(): number {
    return this.#failures
  }

  /** Asks to send a call. A half-open circuit admits one probe at a time. */
  admit(): Admission {
    if (this.#state === 'open') {
      const waited = this.#now() - this.#openedAt
      if (waited < this.#options.cooldownMs) return { allowed: false, retryAfterMs: this.#options.cooldownMs - waited }
      this.#transition('half-open')
    }
    if (this.#state === 'half-open') {
      if (this.#probeInFlight)
        return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(this.#options.cooldownMs / 10)) }
      this.#probeInFlight = true
      return { allowed: true, probe: true }
    }
    return { allowed: true, probe: false }
  }

  success(): void {
    this.#failures = 0
    this.#probeInFlight = false
    if (this.#state !== 'closed') this.#transition('closed')
  }

  failure(): void {
    this.#failures++
    this.#probeInFlight = false
    if (this.#state === 'half-open' || (this.#state === 'closed' && this.#failures >= this.#options.failureThreshold)) {
      this.#openedAt = this.#now()
      this.#transition('open')
    }
  }

  /** A call that was admitted but ended without a verdict on the upstream (e.g. refused budget). */
  release(): void {
    this.#probeInFlight = false
  }

  #transition(to: CircuitState): void {
    const from = this.#state
    this.#state = to
    this.#options.onTransition?.(from, to)
  }
}
