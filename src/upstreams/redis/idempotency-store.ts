/**
 * Idempotency records in Redis, so a repeat reaching another gateway is still recognised. The
 * rules are those of idempotency/store.ts (`verdictOn`), written again in Lua so that each
 * reservation is one atomic step on the server, with the server's clock for the locks.
 */
import type { Redis, Result } from 'ioredis'
import { storeUnavailable } from '../../errors.js'
import { SERVER_NOW } from './lua.js'
import {
  IDEMPOTENCY_TTL_MS,
  type IdempotencyStore,
  type Reservation,
  type StoredResponse,
} from '../idempotency/store.js'

// KEYS[1] record; ARGV fingerprint, lock_ms, holder, alone ('1'), record ttl ms.
// Answers 'reserved', 'mismatch', 'in-progress', 'unknown:<writingAt>', or the completed record.
const RESERVE = `${SERVER_NOW}
local function reserve()
  redis.call('SET', KEYS[1], cjson.encode({ f = ARGV[1], h = ARGV[3], l = now + tonumber(ARGV[2]) }), 'PX', tonumber(ARGV[5]))
  return 'reserved'
end
local raw = redis.call('GET', KEYS[1])
if not raw then return reserve() end
local s = cjson.decode(raw)
if s.f ~= ARGV[1] then return 'mismatch' end
if s.r ~= nil then return raw end
local function process(h) return string.match(h or '', '^([^|]*)') end
local orphaned = s.l ~= nil and (tonumber(s.l) <= now or
  (ARGV[4] == '1' and ARGV[3] ~= '' and s.h ~= nil and process(s.h) ~= process(ARGV[3])))
if not orphaned then return 'in-progress' end
if s.w ~= nil then return 'unknown:' .. tostring(s.w) end
return reserve()
`

// KEYS[1] record; ARGV holder. Marks the holder's reservation as writing; 0 when it is not the holder's.
const MARK_WRITING = `${SERVER_NOW}
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local s = cjson.decode(raw)
if s.h ~= ARGV[1] or s.r ~= nil then return 0 end
if s.w == nil then
  s.w = now
  redis.call('SET', KEYS[1], cjson.encode(s), 'KEEPTTL')
end
return 1
`

// KEYS[1] record; ARGV holder ('' for any). Drops a reservation that never completed.
const RELEASE = `
local raw = redis.call('GET', KEYS[1])
if raw then
  local stored = cjson.decode(raw)
  if stored.r == nil and (ARGV[1] == '' or stored.h == ARGV[1]) then redis.call('DEL', KEYS[1]) end
end
return 1
`

declare module 'ioredis' {
  interface RedisCommander<Context> {
    idempotencyReserve(
      key: string,
      fingerprint: string,
      lockMs: number,
      holder: string,
      alone: '0' | '1',
      ttlMs: number,
    ): Result<string, Context>
    idempotencyMarkWriting(key: string, holder: string): Result<number, Context>
    idempotencyRelease(key: string, holder: string): Result<number, Context>
  }
}

interface Stored {
  f: string
  r?: StoredResponse
}

export class RedisIdempotencyStore implements IdempotencyStore {
  readonly #redis: Redis

  constructor(redis: Redis) {
    this.#redis = redis
    redis.defineCommand('idempotencyReserve', { numberOfKeys: 1, lua: RESERVE })
    redis.defineCommand('idempotencyMarkWriting', { numberOfKeys: 1, lua: MARK_WRITING })
    redis.defineCommand('idempotencyRelease', { numberOfKeys: 1, lua: RELEASE })
  }

  async reserve(key: string, fingerprint: string, lockMs: number, holder = '', alone = false): Promise<Reservation> {
    const raw = await this.#redis.idempotencyReserve(
      `idempotency:${key}`,
      fingerprint,
      lockMs,
      holder,
      alone ? '1' : '0',
      IDEMPOTENCY_TTL_MS,
    )
    if (raw === 'reserved' || raw === 'mismatch' || raw === 'in-progress') return { state: raw }
    if (raw.startsWith('unknown:')) return { state: 'unknown', writingAt: Number(raw.slice('unknown:'.length)) }
    const stored = JSON.parse(raw) as Stored
    return stored.r === undefined ? { state: 'in-progress' } : { state: 'completed', response: stored.r }
  }

  async markWriting(key: string, holder: string): Promise<void> {
    if ((await this.#redis.idempotencyMarkWriting(`idempotency:${key}`, holder)) !== 1)
      throw storeUnavailable('This request no longer holds its Idempotency-Key; retry with the same key', 1)
  }

  async complete(key: string, fingerprint: string, response: StoredResponse, ttlMs: number): Promise<void> {
    const stored: Stored = { f: fingerprint, r: response }
    await this.#redis.set(`idempotency:${key}`, JSON.stringify(stored), 'PX', ttlMs)
  }

  async release(key: string, holder = ''): Promise<void> {
    await this.#redis.idempotencyRelease(`idempotency:${key}`, holder)
  }
}
