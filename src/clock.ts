/**
 * Time, as everything in the gateway and the simulators reads it: what time it is, timers, and
 * sleeping. The app and the sandbox are given a clock; production passes `realClock`, and
 * tests a virtual clock (test/helpers/virtual-clock.ts) that jumps to the next timer whenever
 * nothing else can run, so that hours of syncing at one call a second pass in seconds and
 * every limit can be asserted exactly.
 *
 * What stays on real time, on purpose: the event loop's own lag (it measures the process),
 * signal handling and shutdown, and the deadlines of real I/O (a PostgreSQL statement, a
 * webhook POST, Redis commands): they bound how long the machine takes, not the product's time.
 */
import { setTimeout as sleepReal } from 'node:timers/promises'

/** A timer as callers hold it: they may let it not keep the process alive. */
export interface Timer {
  unref(): Timer
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  setTimeout(callback: () => void, ms: number): Timer
  clearTimeout(timer: Timer | undefined): void
  setInterval(callback: () => void, ms: number): Timer
  clearInterval(timer: Timer | undefined): void
  /** Resolves after `ms`, or at once when `signal` aborts (it never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /**
   * Real I/O under way (a query to PostgreSQL): it takes no time of its own on a virtual clock,
   * which does not move until it settled. The real clock just passes it through.
   */
  io<T>(work: Promise<T>): Promise<T>
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (timer) => clearInterval(timer as NodeJS.Timeout | undefined),
  sleep: (ms, signal) => sleepReal(ms, undefined, signal === undefined ? undefined : { signal }).catch(() => undefined),
  io: (work) => work,
}

/** The clock's now as an ISO 8601 UTC instant. */
export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString()
}
