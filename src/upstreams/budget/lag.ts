/**
 * How late this process's event loop runs now: the worst delay seen over the last tenth of a
 * second or so. The budget sheds new client work that would take upstream calls while the lag
 * exceeds a call's margin (see scheduler.ts): such a call would most likely miss its grant's
 * moment and spend a unit for nothing.
 *
 * Real time on purpose, not the app's clock (see clock.ts): the lag is the process's own, and
 * on a virtual clock it would always be zero.
 */
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks'

const SAMPLE_EVERY_MS = 100
/**
 * Start-up stalls the loop once (modules compile, schemas build): not load worth shedding for,
 * and the grant check of send-by.ts keeps calls in time meanwhile.
 */
const GRACE_MS = 5_000

export class EventLoopLag {
  readonly #histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 })
  #previous = 0
  #timer: NodeJS.Timeout | undefined
  #measuresFrom = Number.POSITIVE_INFINITY

  start(): this {
    this.#measuresFrom = Date.now() + GRACE_MS
    this.#histogram.enable()
    this.#timer ??= setInterval(() => {
      this.#previous = this.#histogram.max / 1e6
      this.#histogram.reset()
    }, SAMPLE_EVERY_MS).unref()
    return this
  }

  /** The worst delay (ms) of the last sample period and of the one under way (0 while starting). */
  get ms(): number {
    if (Date.now() < this.#measuresFrom) return 0
    return Math.max(this.#previous, this.#histogram.max / 1e6)
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#histogram.disable()
  }
}
