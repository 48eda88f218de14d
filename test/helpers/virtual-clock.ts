/**
 * A virtual clock for the gateway and the simulators (see src/clock.ts): time stands still
 * while anything can run, and jumps to the next timer when nothing can. A test lives hours
 * of syncing at one call a second in seconds, and every gap between two upstream calls is
 * exact, whatever the machine's load.
 *
 * "Nothing can run" is observed, not declared: after the due timers fired, the clock lets the
 * event loop turn (real `setImmediate`) until a few turns pass in which nobody read the time or
 * touched a timer. In-process work (Fastify's inject, SQLite, the simulators) always reads the
 * clock or settles within those turns. Real I/O the code declares (`io`: PostgreSQL's queries)
 * holds the clock until it settled; other real I/O (a socket) is not waited for, so tests that
 * need it run on real time (the realtime tier).
 */
import { type Clock, type Timer, realClock } from '../../src/clock.js'

/** Event-loop turns without any use of the clock after which nothing is left to run. */
const QUIET_TURNS = 3
/** 2026-01-05T09:00:00Z, a Monday morning: a plausible instant for seeded data. */
const VIRTUAL_EPOCH = Date.UTC(2026, 0, 5, 9)

interface Entry {
  at: number
  seq: number
  callback: () => void
  /** Set for an interval. */
  every: number | null
  cancelled: boolean
}

class VirtualTimer implements Timer {
  constructor(readonly entry: Entry) {}
  unref(): Timer {
    return this
  }
}

/** `Clock.sleep` on a clock's own timers: resolves after `ms`, or at once when `signal` aborts. */
function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.resolve()
  return new Promise((resolve) => {
    const onAbort = () => {
      clock.clearTimeout(timer)
      resolve()
    }
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))
/** A real millisecond: what real I/O, or the test itself, is given before the clock looks again. */
const waitForIo = () => new Promise<void>((resolve) => setTimeout(resolve, 1))

export class VirtualClock implements Clock {
  #now: number
  #seq = 0
  /** Pending timers, kept sorted by (at, seq). */
  #queue: Entry[] = []
  /** Bumped on every use: the auto-advance loop waits until it stops changing. */
  #activity = 0
  #running: Promise<void> | null = null
  #stopped = true
  /** Real I/O under way (see `io`): time does not move until it settled. */
  #io = 0
  /** Timer callbacks that threw: a test asserts there were none. */
  readonly errors: unknown[] = []

  constructor(start = VIRTUAL_EPOCH) {
    this.#now = start
  }

  now(): number {
    this.#activity++
    return this.#now
  }

  setTimeout(callback: () => void, ms: number): Timer {
    return new VirtualTimer(this.#schedule(callback, ms, null))
  }

  setInterval(callback: () => void, ms: number): Timer {
    return new VirtualTimer(this.#schedule(callback, ms, Math.max(1, ms)))
  }

  clearTimeout(timer: Timer | undefined): void {
    if (!(timer instanceof VirtualTimer) || timer.entry.cancelled) return
    this.#activity++
    timer.entry.cancelled = true
    const i = this.#queue.indexOf(timer.entry)
    if (i >= 0) this.#queue.splice(i, 1)
  }

  clearInterval(timer: Timer | undefined): void {
    this.clearTimeout(timer)
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal)
  }

  io<T>(work: Promise<T>): Promise<T> {
    this.#io++
    this.#activity++
    const done = () => {
      this.#io--
      this.#activity++
    }
    work.then(done, done)
    return work
  }

  /** Timers waiting. */
  get pending(): number {
    return this.#queue.length
  }

  /**
   * Moves time forward by `ms` on command, firing every timer due on the way in order and
   * letting what they start settle after each.
   */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms
    for (;;) {
      await this.#settle()
      if (this.#io > 0) {
        await waitForIo()
        continue
      }
      const next = this.#queue[0]
      if (next === undefined || next.at > until) break
      this.#fire(next)
    }
    this.#now = until
  }

  /**
   * Starts advancing by itself whenever nothing is runnable, the way a test of the whole
   * gateway wants it. `stop()` halts it (before closing apps, whose timers must not fire on).
   */
  start(): void {
    if (!this.#stopped) return
    this.#stopped = false
    this.#running = this.#loop()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    await this.#running
    this.#running = null
  }

  /**
   * Runs (advancing by itself) until `done()` holds, or fails after `withinMs` of virtual time.
   * The check is made every `everyMs` of virtual time.
   */
  async until(
    done: () => boolean | Promise<boolean>,
    withinMs: number,
    what = 'the condition',
    everyMs = 100,
  ): Promise<void> {
    const deadline = this.#now + withinMs
    const wasStopped = this.#stopped
    if (wasStopped) this.start()
    try {
      for (;;) {
        if (await done()) return
        if (this.#now > deadline) throw new Error(`${what} did not hold within ${withinMs} ms of virtual time`)
        await this.sleep(Math.min(everyMs, Math.max(1, deadline - this.#now + 1)))
      }
    } finally {
      if (wasStopped) await this.stop()
    }
  }

  /** Lets virtual time pass while running (advancing by itself). */
  async pass(ms: number): Promise<void> {
    const wasStopped = this.#stopped
    if (wasStopped) this.start()
    try {
      await this.sleep(ms)
    } finally {
      if (wasStopped) await this.stop()
    }
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      await this.#settle()
      if (this.#stopped) break
      const next = this.#queue[0]
      // Nothing scheduled, or real I/O under way: look again shortly.
      if (next === undefined || this.#io > 0) await waitForIo()
      else this.#fire(next)
    }
  }

  /** Returns once QUIET_TURNS turns of the event loop passed without any use of the clock. */
  async #settle(): Promise<void> {
    let quiet = 0
    while (quiet < QUIET_TURNS) {
      const before = this.#activity
      await turn()
      quiet = this.#activity === before ? quiet + 1 : 0
    }
  }

  /** Timers fired so far (what a long run costs). */
  fired = 0

  #fire(entry: Entry): void {
    this.fired++
    this.#queue.shift()
    this.#now = Math.max(this.#now, entry.at)
    this.#activity++
    if (entry.every !== null) {
      entry.at = this.#now + entry.every
      entry.seq = this.#seq++
      this.#insert(entry)
    } else entry.cancelled = true
    try {
      entry.callback()
    } catch (err) {
      this.errors.push(err)
    }
  }

  #schedule(callback: () => void, ms: number, every: number | null): Entry {
    this.#activity++
    const entry: Entry = {
      at: this.#now + Math.max(0, Number.isFinite(ms) ? ms : 0),
      seq: this.#seq++,
      callback,
      every,
      cancelled: false,
    }
    this.#insert(entry)
    return entry
  }

  #insert(entry: Entry): void {
    // Binary search for the first entry after (at, seq): timers due together fire in order.
    let lo = 0
    let hi = this.#queue.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const other = this.#queue[mid] as Entry
      if (other.at < entry.at || (other.at === entry.at && other.seq < entry.seq)) lo = mid + 1
      else hi = mid
    }
    this.#queue.splice(lo, 0, entry)
  }
}

/** The real clock's timers with a time the test sets (for unit tests that move time by hand). */
export function clockReading(now: () => number): Clock {
  return { ...realClock, now }
}

/**
 * One process's view of a shared virtual clock: the same time, timers of its own. `kill()`
 * plays SIGKILL: none of its timers fires again and its sleeps never end, so the process it
 * belongs to does nothing more, as a killed one would (its leases stay held until they expire).
 */
export class ProcessClock implements Clock {
  readonly #clock: VirtualClock
  readonly #timers = new Set<Timer>()
  #dead = false

  constructor(clock: VirtualClock) {
    this.#clock = clock
  }

  get dead(): boolean {
    return this.#dead
  }

  now(): number {
    return this.#clock.now()
  }

  setTimeout(callback: () => void, ms: number): Timer {
    const timer: Timer = this.#clock.setTimeout(() => {
      this.#timers.delete(timer)
      if (!this.#dead) callback()
    }, ms)
    this.#timers.add(timer)
    return timer
  }

  setInterval(callback: () => void, ms: number): Timer {
    const timer = this.#clock.setInterval(() => {
      if (!this.#dead) callback()
    }, ms)
    this.#timers.add(timer)
    return timer
  }

  clearTimeout(timer: Timer | undefined): void {
    if (timer !== undefined) this.#timers.delete(timer)
    this.#clock.clearTimeout(timer)
  }

  clearInterval(timer: Timer | undefined): void {
    this.clearTimeout(timer)
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.#dead ? new Promise(() => undefined) : sleepOn(this, ms, signal)
  }

  io<T>(work: Promise<T>): Promise<T> {
    return this.#clock.io(work)
  }

  kill(): void {
    this.#dead = true
    for (const timer of this.#timers) this.#clock.clearTimeout(timer)
    this.#timers.clear()
  }
}
