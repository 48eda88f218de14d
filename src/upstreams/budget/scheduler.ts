/**
 * Every upstream call of a connection takes rate budget here first, in one of three lanes:
 *
 * - `committed`: work that follows a write the upstream already accepted (adding the
 *   participants and tags of a created record, reading it back). It goes ahead of all other
 *   work and is never refused for budget: refusing it would report a committed write as failed.
 * - `client`: a client's request. Its first call waits up to `maxWaitMs`; a request that would
 *   wait longer is refused with a 429 whose Retry-After comes from the budget, so nobody waits
 *   for nothing. Once one of its calls was granted, the request's other calls wait their turn
 *   without refusal: refusing a read half done would waste the budget already spent on it.
 *   Waiting work of different parties (API keys) is served in turn, weighted per party, so one
 *   key cannot spend the whole budget while another waits.
 * - `background`: the replica sync. It is served only when no other lane waits here, and the
 *   budget store refuses it for a while after any replica's foreground work had to wait, so it
 *   gets only the budget clients leave.
 */
import { type Clock, realClock } from '../../clock.js'
import type { RateLimit } from '../../config.js'
import { type ProblemError, overloaded, rateLimited } from '../../errors.js'
import { channels, publish } from '../instrumentation.js'
import type { BudgetStatus, BudgetStore } from './store.js'

export type Lane = 'committed' | 'client' | 'background'

/** How waiting client work of different parties is ordered. */
export interface FairShare {
  /** `round-robin`: parties in turn, `weights` grants per turn; `fifo`: arrival order only. */
  mode: 'round-robin' | 'fifo'
  /** Grants per turn by party name (default 1). */
  weights: Readonly<Record<string, number>>
}

const DEFAULT_FAIR_SHARE: FairShare = { mode: 'round-robin', weights: {} }

export interface SchedulerOptions {
  store: BudgetStore
  /** The budget key: one per upstream credential. */
  key: string
  limit: RateLimit
  maxWaitMs: number
  fairShare?: FairShare
  /**
   * Added to the window so that jitter between our grant and the call's arrival upstream
   * (event-loop lag, network) cannot make two calls we spaced one window apart look closer
   * than that. Defaults to `defaultMargin(limit)`.
   */
  marginMs?: number
  /**
   * The event loop's current lag (ms): while it exceeds the margin, new client work is shed
   * (`503 overloaded`) rather than granted calls it would likely send too late.
   */
  lag?: () => number
  clock?: Clock
  /** For problem details only. */
  connection: string
  source: string
}

export interface AcquireOptions {
  lane: Lane
  /** Whose work this is (an API key's name); client work of different parties is served in turn. */
  party?: string
  /** The caller's own bound on the wait (client lane only); never more than `maxWaitMs`. */
  maxWaitMs?: number
  /** The request the call belongs to: once one of its calls is granted, the others are not refused. */
  request?: object
  /** The call was granted before and missed its moment (see send-by.ts): it is not refused now. */
  again?: boolean
}

/**
 * 5% of the window, and never under 100 ms: a full window of calls then always fits, with room
 * for the arrival jitter a busy process or network adds, at the price of at most 5% (or 100 ms
 * a window) of the budget. Never exceeding the upstream matters more than its last percent.
 */
export function defaultMargin(limit: RateLimit): number {
  return Math.max(100, Math.round(limit.windowMs * 0.05))
}

/**
 * How long a budget status may be reused for the rate headers of answers. Reading it costs a
 * Redis round trip when budgets are shared; a grant or pause here drops it at once, so only
 * other replicas' calls and the window's sliding can make it up to this much out of date.
 */
const STATUS_REUSE_MS = 250

/** The party of work that names none (calls made outside a client request). */
const ANONYMOUS = '-'

/** What a granted call carries: the moment by which it must have left (see send-by.ts). */
export interface Grant {
  sendBy: number
}

interface Waiter {
  resolve: (grant: Grant) => void
  reject: (err: unknown) => void
  lane: Lane
  party: string
  /** When a client waiter is refused; Infinity for the other lanes. */
  deadline: number
  enqueuedAt: number
  request: object | undefined
}

/**
 * Client waiters grouped by party, served in rounds: in each round every party with waiting
 * work may take as many grants as its weight, in turn. A party that arrives mid-round joins
 * it with its full share, so it goes before parties that already had theirs; a party whose
 * queue empties keeps what it used until the round ends, so coming back does not renew it.
 */
class ClientQueue {
  /** Insertion order is the order of turns; a party that used its share moves to the end. */
  readonly #parties = new Map<string, { waiters: Waiter[]; credit: number }>()
  readonly #weight: (party: string) => number
  #size = 0

  constructor(weight: (party: string) => number) {
    this.#weight = weight
  }

  get size(): number {
    return this.#size
  }

  push(waiter: Waiter): void {
    let party = this.#parties.get(waiter.party)
    if (party === undefined) {
      party = { waiters: [], credit: this.#weight(waiter.party) }
      this.#parties.set(waiter.party, party)
    }
    party.waiters.push(waiter)
    this.#size++
  }

  /** The waiter to serve next, without removing it (nor starting a round). */
  peek(): Waiter | undefined {
    if (this.#size === 0) return undefined
    for (const party of this.#parties.values()) {
      if (party.credit > 0 && party.waiters.length > 0) return party.waiters[0]
    }
    // Everyone with waiting work has had their share: the next round starts with the first.
    for (const party of this.#parties.values()) if (party.waiters.length > 0) return party.waiters[0]
    return undefined
  }

  /** Removes the waiter `peek` gave, starting a new round if it belongs to one. */
  shift(waiter: Waiter): void {
    let party = this.#parties.get(waiter.party)
    if (party === undefined || party.waiters[0] !== waiter) return
    if (party.credit <= 0) {
      for (const [name, other] of this.#parties) {
        if (other.waiters.length === 0) this.#parties.delete(name)
        else other.credit = this.#weight(name)
      }
      party = this.#parties.get(waiter.party) as { waiters: Waiter[]; credit: number }
    }
    party.waiters.shift()
    this.#size--
    party.credit--
    if (party.credit <= 0) {
      // To the end of the turns.
      this.#parties.delete(waiter.party)
      this.#parties.set(waiter.party, party)
    }
  }

  /** Removes and returns every waiter for which `drop` is true. */
  removeWhere(drop: (waiter: Waiter) => boolean): Waiter[] {
    const dropped: Waiter[] = []
    for (const party of this.#parties.values()) {
      const kept = party.waiters.filter((w) => !drop(w) || (dropped.push(w), false))
      party.waiters = kept
    }
    this.#size -= dropped.length
    return dropped
  }

  countsByParty(): Map<string, number> {
    const counts = new Map<string, number>()
    for (const [name, party] of this.#parties) if (party.waiters.length > 0) counts.set(name, party.waiters.length)
    return counts
  }
}

export interface QueuedWork {
  lane: Lane
  party: string
  count: number
}

export class RateScheduler {
  readonly #options: SchedulerOptions
  readonly #limit: RateLimit
  readonly #marginMs: number
  readonly #clock: Clock
  readonly #committed: Waiter[] = []
  readonly #client: ClientQueue
  readonly #background: Waiter[] = []
  readonly #fifo: boolean
  #pumping = false
  /** While the pump sleeps for budget: when the next unit frees up. Nobody queued can go sooner. */
  #blockedUntil = 0
  /** Cuts a sleep short: background work sleeps only until foreground work arrives. */
  #wake: (() => void) | null = null
  #recent: { status: BudgetStatus; at: number } | null = null
  /** Requests that were granted a call: their other calls are no longer refused. */
  readonly #started = new WeakSet<object>()

  constructor(options: SchedulerOptions) {
    this.#options = options
    this.#clock = options.clock ?? realClock
    this.#marginMs = options.marginMs ?? defaultMargin(options.limit)
    this.#limit = { max: options.limit.max, windowMs: options.limit.windowMs + this.#marginMs }
    const fairShare = options.fairShare ?? DEFAULT_FAIR_SHARE
    this.#fifo = fairShare.mode === 'fifo'
    this.#client = new ClientQueue((party) => Math.max(1, fairShare.weights[party] ?? 1))
  }

  get queued(): number {
    return this.#committed.length + this.#client.size + this.#background.length
  }

  /** Waiting work by lane and party (client work is per party; the other lanes are not). */
  queuedWork(): QueuedWork[] {
    const work: QueuedWork[] = [
      { lane: 'committed', party: ANONYMOUS, count: this.#committed.length },
      { lane: 'background', party: ANONYMOUS, count: this.#background.length },
    ]
    for (const [party, count] of this.#client.countsByParty()) work.push({ lane: 'client', party, count })
    return work
  }

  get limit(): RateLimit {
    return this.#options.limit
  }

  /** The budget as the store has it now. */
  async status(): Promise<BudgetStatus> {
    const status = await this.#options.store.status(this.#options.key, this.#limit)
    this.#recent = { status, at: this.#clock.now() }
    return status
  }

  /** The last `status()` if it is recent enough to reuse (see STATUS_REUSE_MS), else null. */
  recentStatus(): BudgetStatus | null {
    const recent = this.#recent
    if (recent === null) return null
    const age = this.#clock.now() - recent.at
    if (age > STATUS_REUSE_MS) return null
    return { remaining: recent.status.remaining, resetMs: Math.max(0, recent.status.resetMs - age) }
  }

  /** Grants are spaced a window and this much apart: a granted call must leave within it. */
  get marginMs(): number {
    return this.#marginMs
  }

  /** The spacing of calls when the budget is used evenly: the window (with its margin) over the limit. */
  get intervalMs(): number {
    return Math.ceil(this.#limit.windowMs / this.#limit.max)
  }

  /**
   * Resolves when this call may go upstream, with the moment by which it must have left (the
   * budget counts the grant from when it was asked for, so a call leaving later than its
   * margin could land too close to the next). Client work rejects with a 429 problem when that
   * would take longer than its wait allows; committed and background work are never refused.
   */
  acquire(options: AcquireOptions = { lane: 'client' }): Promise<Grant> {
    const now = this.#clock.now()
    const lane = options.lane
    let deadline = Number.POSITIVE_INFINITY
    const started = options.again === true || (options.request !== undefined && this.#started.has(options.request))
    if (lane === 'client' && !started) {
      const lag = this.#options.lag?.() ?? 0
      if (lag > this.#marginMs)
        return Promise.reject(
          overloaded(
            `The gateway's event loop lags ${Math.round(lag)} ms, more than a call to ${this.#options.connection} may; retry shortly`,
            1,
          ),
        )
      const wait = Math.min(options.maxWaitMs ?? this.#options.maxWaitMs, this.#options.maxWaitMs)
      deadline = now + wait
      if (this.queued > 0 && this.#blockedUntil > deadline)
        return Promise.reject(this.#refusal(this.#blockedUntil - now))
    }
    const party = this.#fifo || options.party === undefined ? ANONYMOUS : options.party
    // Every caller queues, even when budget is free, so grants follow the lanes' order exactly.
    return new Promise<Grant>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, lane, party, deadline, enqueuedAt: now, request: options.request }
      if (lane === 'committed') this.#committed.push(waiter)
      else if (lane === 'client') this.#client.push(waiter)
      else this.#background.push(waiter)
      if (lane !== 'background') this.#wake?.()
      void this.#pump()
    })
  }

  /**
   * Admission for work of several calls (a record and its participants, pages of a list):
   * refused up front, with an honest Retry-After, when the last of its calls could not be
   * granted within the client's wait beyond the spacing its own calls need anyway (the work
   * queued ahead counted); nothing is spent on work that would then wait without bound. A
   * request already under way, and committed or background work, are never refused.
   */
  async admitWork(calls: number, options: AcquireOptions): Promise<void> {
    if (calls <= 1 || options.lane !== 'client') return
    if (options.request !== undefined && this.#started.has(options.request)) return
    const { max, windowMs } = this.#limit
    const status = await this.status()
    const needed = this.queued + calls
    const lastAt =
      needed <= status.remaining
        ? 0
        : (status.resetMs > 0 ? status.resetMs : windowMs) +
          (Math.ceil((needed - status.remaining) / max) - 1) * windowMs
    const ownSpacing = (Math.ceil(calls / max) - 1) * windowMs
    const wait = lastAt - ownSpacing
    if (wait > Math.min(options.maxWaitMs ?? this.#options.maxWaitMs, this.#options.maxWaitMs))
      throw this.#refusal(wait)
  }

  /** The upstream asked us to back off (429/503 with Retry-After): grant nothing until then. */
  pause(ms: number): Promise<void> {
    this.#recent = null
    return this.#options.store.pause(this.#options.key, this.#clock.now() + ms)
  }

  /** The next waiter to serve: committed work first, then clients in turn, then background. */
  #next(): Waiter | undefined {
    return this.#committed[0] ?? this.#client.peek() ?? this.#background[0]
  }

  #remove(waiter: Waiter): void {
    if (waiter.lane === 'committed') this.#committed.shift()
    else if (waiter.lane === 'client') this.#client.shift(waiter)
    else this.#background.shift()
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return
    this.#pumping = true
    try {
      for (let head = this.#next(); head !== undefined; head = this.#next()) {
        // A grant is made at some moment of the take (in Redis, on the server): no earlier than this.
        const asked = this.#clock.now()
        const verdict = await this.#options.store.take(this.#options.key, this.#limit, head.lane)
        const now = this.#clock.now()
        if (verdict.granted) {
          // Foreground work may have arrived while the take was on its way: the grant is used
          // by whoever is first now, which is the head or someone ahead of it.
          const first = this.#next() as Waiter
          this.#recent = null
          this.#remove(first)
          if (first.request !== undefined) this.#started.add(first.request)
          this.#published(first, now, true)
          first.resolve({ sendBy: asked + this.#marginMs })
          continue
        }
        const freeAt = now + verdict.retryAfterMs
        // Nobody waiting can be served before the next unit frees up: refuse at once every
        // client whose wait would end before then.
        const refused = (w: Waiter) => freeAt > w.deadline && !(w.request !== undefined && this.#started.has(w.request))
        for (const waiter of this.#client.removeWhere(refused)) {
          this.#published(waiter, now, false)
          waiter.reject(this.#refusal(freeAt - now))
        }
        if (this.queued === 0) break
        this.#blockedUntil = head.lane === 'background' ? 0 : freeAt
        await this.#sleep(verdict.retryAfterMs, head.lane === 'background')
        this.#blockedUntil = 0
      }
    } catch (err) {
      const everyone = [
        ...this.#committed.splice(0),
        ...this.#client.removeWhere(() => true),
        ...this.#background.splice(0),
      ]
      for (const waiter of everyone) waiter.reject(err)
    } finally {
      this.#pumping = false
    }
  }

  /** Sleeps `ms`; a background wait also ends as soon as foreground work arrives. */
  #sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.#clock.clearTimeout(timer)
        if (this.#wake === done) this.#wake = null
        resolve()
      }
      const timer = this.#clock.setTimeout(done, ms)
      if (wakeable) this.#wake = done
    })
  }

  #published(waiter: Waiter, now: number, granted: boolean): void {
    publish(channels.queueWait, {
      connection: this.#options.connection,
      lane: waiter.lane,
      party: waiter.party,
      waitMs: now - waiter.enqueuedAt,
      granted,
    })
  }

  #refusal(waitMs: number): ProblemError {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000))
    return rateLimited(this.#options.connection, this.#options.source, seconds)
  }
}
