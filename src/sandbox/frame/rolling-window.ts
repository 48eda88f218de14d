/**
 * A per-key rolling-window counter: at most `max` accepted events in any `windowMs` span.
 * Both upstream limits are of this shape (BatchBook 1/s, Snappy 200/min), so the simulators
 * share it. Rejected attempts are not recorded: they do not push the window further out.
 */
export interface RollingWindowLimit {
  max: number
  windowMs: number
}

export type WindowVerdict = { allowed: true } | { allowed: false; retryAfterMs: number }

export class RollingWindow {
  readonly #limit: RollingWindowLimit
  readonly #events = new Map<string, number[]>()
  readonly #now: () => number

  constructor(limit: RollingWindowLimit, now: () => number = Date.now) {
    if (!(limit.max >= 1) || !(limit.windowMs > 0))
      throw new RangeError('rolling window needs max >= 1 and windowMs > 0')
    this.#limit = limit
    this.#now = now
  }

  get limit(): RollingWindowLimit {
    return this.#limit
  }

  /** Records an event for `key` when the window has room, otherwise says when it will. */
  hit(key: string): WindowVerdict {
    const now = this.#now()
    const since = now - this.#limit.windowMs
    let events = this.#events.get(key)
    if (events === undefined) {
      events = []
      this.#events.set(key, events)
    }
    // Events are appended in time order, so expired ones are always at the front.
    let expired = 0
    while (expired < events.length && (events[expired] as number) <= since) expired++
    if (expired > 0) events.splice(0, expired)
    if (events.length >= this.#limit.max) {
      const oldest = events[0] as number
      return { allowed: false, retryAfterMs: Math.max(1, oldest + this.#limit.windowMs - now) }
    }
    events.push(now)
    return { allowed: true }
  }

  reset(): void {
    this.#events.clear()
  }
}
