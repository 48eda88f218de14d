/**
 * The rate budget in Redis: one Lua script per take, so replicas sharing a credential share
 * one budget and can never together exceed it. The script keeps a sliding log (a sorted set
 * of grant times) rather than GCRA or a token bucket: those allow a burst on top of the steady
 * rate, which can put more than `max` calls inside some rolling window, and the upstreams count
 * rolling windows. Time comes from the Redis server, so replicas' clocks need not agree.
 *
 * A Redis that comes back empty (restarted without persistence, failed over, flushed) has
 * forgotten the grants of the current window, and the calls they stood for may still be in
 * the upstream's window. So each key carries an epoch, a mark that lives as long as Redis
 * keeps its data: a gateway that finds another epoch than the one it knew (at a take, or in
 * the look it takes every second at the keys it used) writes its own grants of the window
 * back (`ownGrants`), and holds every take of that key for `RESTORE_HOLD_MS`, long enough for
 * every other live gateway to notice and write back theirs.
 */
import { randomBytes } from 'node:crypto'
import type { Redis, Result } from 'ioredis'
import { type Clock, type Timer, realClock } from '../../clock.js'
import type { RateLimit } from '../../config.js'
import type { Lane } from '../budget/scheduler.js'
import { absentCalls, slotPlan } from '../budget/slots.js'
import { type BudgetStatus, type BudgetStore, type BudgetVerdict, demandHoldMs } from '../budget/store.js'
import { SERVER_NOW } from './lua.js'

// KEYS[1] log (sorted set), KEYS[2] pause marker, KEYS[3] demand marker, KEYS[4] epoch,
// KEYS[5] restore hold; ARGV window_ms, max, member, take (1) or peek (0), lane, demand hold ms,
// calls reserved for replicas that cannot reach Redis, ms until that reservation may change,
// the epoch the caller knew ('' for none), a new epoch's id. A refused foreground take sets
// the demand marker; a background take is refused while it stands. A caller that knew another
// epoch gets {-1, 0, 0, epoch}: it must write its grants back (RESTORE) before taking.
// Otherwise {granted, ms (reset or wait), remaining, epoch}.
const TAKE = `${SERVER_NOW}local epoch = redis.call('GET', KEYS[4])
if not epoch then
  epoch = ARGV[10]
  redis.call('SET', KEYS[4], epoch)
end
if ARGV[9] ~= '' and ARGV[9] ~= epoch then return {-1, 0, 0, epoch} end
local window = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local paused = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), tonumber(redis.call('GET', KEYS[5]) or '0'))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local reset = 0
if count > 0 then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  reset = tonumber(oldest[2]) + window - now
end
local wait = 0
if paused > now then
  wait = paused - now
elseif ARGV[5] == 'background' then
  local wanted = tonumber(redis.call('GET', KEYS[3]) or '0')
  if wanted > now then wait = wanted - now end
end
local reserved = tonumber(ARGV[7])
if wait == 0 and count >= max then
  wait = math.max(1, reset)
elseif wait == 0 and count + reserved >= max then
  wait = math.max(1, tonumber(ARGV[8]))
end
if wait > 0 then
  if ARGV[4] == '1' and ARGV[5] ~= 'background' then
    local hold = wait + tonumber(ARGV[6])
    redis.call('SET', KEYS[3], now + hold, 'PX', hold)
  end
  return {0, wait, 0, epoch}
end
if ARGV[4] == '1' then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  count = count + 1
  if count == 1 then reset = window end
end
return {1, reset, math.max(0, max - count - reserved), epoch}
`

// KEYS[1] log, KEYS[2] epoch, KEYS[3] restore hold; ARGV window_ms, hold ms, a new epoch's id,
// the caller's unique tag, then grant times in server milliseconds. Writes the caller's grants
// of the window back and holds takes; answers the epoch.
const RESTORE = `${SERVER_NOW}local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[3]
  redis.call('SET', KEYS[2], epoch)
end
local window = tonumber(ARGV[1])
local hold = now + tonumber(ARGV[2])
if hold > tonumber(redis.call('GET', KEYS[3]) or '0') then redis.call('SET', KEYS[3], hold, 'PX', tonumber(ARGV[2])) end
for i = 5, #ARGV do
  local at = tonumber(ARGV[i])
  if at > now - window then redis.call('ZADD', KEYS[1], at, ARGV[4] .. ':' .. i) end
end
redis.call('PEXPIRE', KEYS[1], window)
return epoch
`

// KEYS[1] pause marker; ARGV until_ms
const PAUSE = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local untilMs = tonumber(ARGV[1])
if untilMs > current then
  ${SERVER_NOW}  if untilMs > now then redis.call('SET', KEYS[1], untilMs, 'PX', untilMs - now) end
end
return 1
`

declare module 'ioredis' {
  interface RedisCommander<Context> {
    budgetTake(
      log: string,
      pause: string,
      demand: string,
      epoch: string,
      hold: string,
      windowMs: number,
      max: number,
      member: string,
      take: '1' | '0',
      lane: Lane,
      holdMs: number,
      reserved: number,
      reservedForMs: number,
      knownEpoch: string,
      newEpoch: string,
    ): Result<[number, number, number, string], Context>
    budgetRestore(
      log: string,
      epoch: string,
      hold: string,
      windowMs: number,
      holdMs: number,
      newEpoch: string,
      tag: string,
      ...grants: number[]
    ): Result<string, Context>
    budgetPause(pause: string, untilMs: number): Result<number, Context>
  }
}

export interface RedisBudgetOptions {
  /** How many replicas share the budget. */
  replicas: number
  /** Slots of the gateways not reaching Redis now whose slices a window of `windowMs` counts as spent (see slots.ts). */
  absent: (windowMs: number) => ReadonlySet<number>
  /** This gateway's own grants of `key` after `since` (epoch ms, its clock), through Redis or not. */
  ownGrants?: (key: string, since: number) => number[]
  clock?: Clock
}

/**
 * How long a key's takes are held once a gateway found Redis without its epoch: every live
 * gateway looks at its keys' epochs every `EPOCH_CHECK_MS`, so by then all have written back.
 */
const RESTORE_HOLD_MS = 2_500
const EPOCH_CHECK_MS = 1_000

interface KnownKey {
  epoch: string
  windowMs: number
}

export class RedisBudgetStore implements BudgetStore {
  readonly #redis: Redis
  readonly #options: RedisBudgetOptions
  /** The epoch this gateway last saw of each key it used. */
  readonly #known = new Map<string, KnownKey>()
  #checking: Timer | undefined
  readonly #clock: Clock

  constructor(redis: Redis, options: RedisBudgetOptions = { replicas: 1, absent: () => new Set() }) {
    this.#redis = redis
    this.#options = options
    this.#clock = options.clock ?? realClock
    redis.defineCommand('budgetTake', { numberOfKeys: 5, lua: TAKE })
    redis.defineCommand('budgetRestore', { numberOfKeys: 3, lua: RESTORE })
    redis.defineCommand('budgetPause', { numberOfKeys: 1, lua: PAUSE })
  }

  async take(key: string, limit: RateLimit, lane: Lane = 'client'): Promise<BudgetVerdict> {
    const [granted, ms, remaining] = await this.#take(key, limit, lane, true)
    return granted === 1 ? { granted: true, remaining } : { granted: false, retryAfterMs: ms }
  }

  async status(key: string, limit: RateLimit): Promise<BudgetStatus> {
    const [granted, resetMs, remaining] = await this.#take(key, limit, 'client', false)
    return granted === 1 ? { remaining, resetMs } : { remaining: 0, resetMs }
  }

  /** One run of the take script; a key whose epoch changed is written back first (and held). */
  async #take(key: string, limit: RateLimit, lane: Lane, take: boolean): Promise<[number, number, number]> {
    const [reserved, reservedForMs] = this.#reserved(limit)
    const run = () =>
      this.#redis.budgetTake(
        ...this.#keys(key),
        limit.windowMs,
        limit.max,
        take ? member() : '',
        take ? '1' : '0',
        lane,
        take ? demandHoldMs(limit) : 0,
        reserved,
        reservedForMs,
        this.#known.get(key)?.epoch ?? '',
        member(),
      )
    let [verdict, ms, remaining, epoch] = await run()
    if (verdict === -1) {
      await this.#restore(key, limit.windowMs)
      ;[verdict, ms, remaining, epoch] = await run()
    }
    this.#know(key, epoch, limit.windowMs)
    return [verdict, ms, remaining]
  }

  #know(key: string, epoch: string, windowMs: number): void {
    this.#known.set(key, { epoch, windowMs })
    this.#checking ??= this.#clock.setInterval(() => void this.#checkEpochs(), EPOCH_CHECK_MS).unref()
  }

  /** The look every gateway takes at the epochs of the keys it used (see the module comment). */
  async #checkEpochs(): Promise<void> {
    for (const [key, known] of this.#known) {
      try {
        const epoch = await this.#redis.get(this.#keys(key)[3])
        if (epoch !== known.epoch) await this.#restore(key, known.windowMs)
      } catch {
        // Redis is away: the fallback budget has taken over; looked at again next time.
      }
    }
  }

  /** Writes this gateway's grants of the window back, holds the key's takes, learns its epoch. */
  async #restore(key: string, windowMs: number): Promise<void> {
    const before = this.#clock.now()
    const [seconds, micros] = await this.#redis.time()
    const after = this.#clock.now()
    // Local grant times into the server's clock, rounded late by the round trip: a grant kept a
    // little longer than it lasts only costs budget; one dropped early could break the limit.
    const offset = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - before
    const since = after - windowMs
    const grants = (this.#options.ownGrants?.(key, since) ?? []).map((at) => at + offset + (after - before))
    const [log, , , epochKey, hold] = this.#keys(key)
    const epoch = await this.#redis.budgetRestore(
      log,
      epochKey,
      hold,
      windowMs,
      RESTORE_HOLD_MS,
      member(),
      member(),
      ...grants,
    )
    this.#known.set(key, { epoch, windowMs })
  }

  /** Stops the epoch checks (the app is closing). */
  stop(): void {
    this.#clock.clearInterval(this.#checking)
    this.#checking = undefined
  }

  /** What replicas cut off from Redis may spend around now, and until when that holds. */
  #reserved(limit: RateLimit): [number, number] {
    const absent = this.#options.absent(limit.windowMs)
    if (absent.size === 0 || this.#options.replicas < 2) return [0, 0]
    const plan = slotPlan(limit, this.#options.replicas)
    const now = this.#clock.now()
    return [absentCalls(plan, limit.windowMs, absent, now), plan.sliceMs - (now % plan.sliceMs)]
  }

  /**
   * Pauses use the caller's clock for "until": the delay the upstream asked for is measured
   * from now on this replica, and a small skew only shortens or lengthens it slightly.
   */
  async pause(key: string, untilMs: number): Promise<void> {
    const wait = untilMs - this.#clock.now()
    if (wait <= 0) return
    const [seconds, micros] = await this.#redis.time()
    const serverNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
    await this.#redis.budgetPause(this.#keys(key)[1], serverNow + wait)
  }

  #keys(key: string): [string, string, string, string, string] {
    return [
      `budget:{${key}}:log`,
      `budget:{${key}}:pause`,
      `budget:{${key}}:demand`,
      `budget:{${key}}:epoch`,
      `budget:{${key}}:hold`,
    ]
  }
}

function member(): string {
  return randomBytes(8).toString('base64url')
}
