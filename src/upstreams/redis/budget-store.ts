/**
 * The rate budget in Redis: one Lua script per take, so replicas sharing a credential share
 * one budget and can never together exceed it. The script keeps a sliding log (a sorted set
 * of grant times) rather than GCRA or a token bucket: those allow a burst on top of the steady
 * rate, which can put more than `max` calls inside some rolling window, and the upstreams count
 * rolling windows. Time comes from the Redis server, so replicas' clocks need not agree.
 */
import { randomBytes } from 'node:crypto'
import type { Redis, Result } from 'ioredis'
import type { RateLimit } from '../../config.js'
import type { Lane } from '../budget/scheduler.js'
import { absentCalls, slotPlan } from '../budget/slots.js'
import { type BudgetStatus, type BudgetStore, type BudgetVerdict, demandHoldMs } from '../budget/store.js'

// KEYS[1] log (sorted set), KEYS[2] pause marker, KEYS[3] demand marker; ARGV window_ms, max,
// member, take (1) or peek (0), lane, demand hold ms, calls reserved for replicas that cannot
// reach Redis, ms until that reservation may change. A refused foreground take sets the demand
// marker; a background take is refused while it stands.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
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
  return {0, wait, 0}
end
if ARGV[4] == '1' then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  count = count + 1
  if count == 1 then reset = window end
end
return {1, reset, math.max(0, max - count - reserved)}
`

// KEYS[1] pause marker; ARGV until_ms
const PAUSE = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local untilMs = tonumber(ARGV[1])
if untilMs > current then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if untilMs > now then redis.call('SET', KEYS[1], untilMs, 'PX', untilMs - now) end
end
return 1
`

declare module 'ioredis' {
  interface RedisCommander<Context> {
    budgetTake(
      log: string,
      pause: string,
      demand: string,
      windowMs: number,
      max: number,
      member: string,
      take: '1' | '0',
      lane: Lane,
      holdMs: number,
      reserved: number,
      reservedForMs: number,
    ): Result<[number, number, number], Context>
    budgetPause(pause: string, untilMs: number): Result<number, Context>
  }
}

export interface RedisBudgetOptions {
  /** How many replicas share the budget. */
  replicas: number
  /** Slots of the gateways not reaching Redis now whose slices a window of `windowMs` counts as spent (see slots.ts). */
  absent: (windowMs: number) => ReadonlySet<number>
}

export class RedisBudgetStore implements BudgetStore {
  readonly #redis: Redis
  readonly #options: RedisBudgetOptions

  constructor(redis: Redis, options: RedisBudgetOptions = { replicas: 1, absent: () => new Set() }) {
    this.#redis = redis
    this.#options = options
    redis.defineCommand('budgetTake', { numberOfKeys: 3, lua: TAKE })
    redis.defineCommand('budgetPause', { numberOfKeys: 1, lua: PAUSE })
  }

  async take(key: string, limit: RateLimit, lane: Lane = 'client'): Promise<BudgetVerdict> {
    const [reserved, reservedForMs] = this.#reserved(limit)
    const [granted, ms, remaining] = await this.#redis.budgetTake(
      ...this.#keys(key),
      limit.windowMs,
      limit.max,
      member(),
      '1',
      lane,
      demandHoldMs(limit),
      reserved,
      reservedForMs,
    )
    return granted === 1 ? { granted: true, remaining } : { granted: false, retryAfterMs: ms }
  }

  async status(key: string, limit: RateLimit): Promise<BudgetStatus> {
    const [reserved, reservedForMs] = this.#reserved(limit)
    const [granted, resetMs, remaining] = await this.#redis.budgetTake(
      ...this.#keys(key),
      limit.windowMs,
      limit.max,
      '',
      '0',
      'client',
      0,
      reserved,
      reservedForMs,
    )
    return granted === 1 ? { remaining, resetMs } : { remaining: 0, resetMs }
  }

  /** What replicas cut off from Redis may spend around now, and until when that holds. */
  #reserved(limit: RateLimit): [number, number] {
    const absent = this.#options.absent(limit.windowMs)
    if (absent.size === 0 || this.#options.replicas < 2) return [0, 0]
    const plan = slotPlan(limit, this.#options.replicas)
    const now = Date.now()
    return [absentCalls(plan, limit.windowMs, absent, now), plan.sliceMs - (now % plan.sliceMs)]
  }

  /**
   * Pauses use the caller's clock for "until": the delay the upstream asked for is measured
   * from now on this replica, and a small skew only shortens or lengthens it slightly.
   */
  async pause(key: string, untilMs: number): Promise<void> {
    const wait = untilMs - Date.now()
    if (wait <= 0) return
    const [seconds, micros] = await this.#redis.time()
    const serverNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
    await this.#redis.budgetPause(this.#keys(key)[1], serverNow + wait)
  }

  #keys(key: string): [string, string, string] {
    return [`budget:{${key}}:log`, `budget:{${key}}:pause`, `budget:{${key}}:demand`]
  }
}

function member(): string {
  return randomBytes(8).toString('base64url')
}
