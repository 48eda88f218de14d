/** Idempotency records in Redis, so a repeat reaching another replica is still recognised. */
import type { Redis, Result } from 'ioredis'
import type { IdempotencyStore, Reservation, StoredResponse } from '../idempotency/store.js'

// KEYS[1] record; ARGV fingerprint, lock_ms, holder. A new key is stored as a pending reservation.
const RESERVE = `
local raw = redis.call('GET', KEYS[1])
if not raw then
  redis.call('SET', KEYS[1], cjson.encode({ f = ARGV[1], h = ARGV[3] }), 'PX', tonumber(ARGV[2]))
  return 'reserved'
end
return raw
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
    idempotencyReserve(key: string, fingerprint: string, lockMs: number, holder: string): Result<string, Context>
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
    redis.defineCommand('idempotencyRelease', { numberOfKeys: 1, lua: RELEASE })
  }

  async reserve(key: string, fingerprint: string, ttlMs: number, holder = ''): Promise<Reservation> {
    const raw = await this.#redis.idempotencyReserve(`idempotency:${key}`, fingerprint, ttlMs, holder)
    if (raw === 'reserved') return { state: 'reserved' }
    const stored = JSON.parse(raw) as Stored
    if (stored.f !== fingerprint) return { state: 'mismatch' }
    return stored.r === undefined ? { state: 'in-progress' } : { state: 'completed', response: stored.r }
  }

  async complete(key: string, fingerprint: string, response: StoredResponse, ttlMs: number): Promise<void> {
    const stored: Stored = { f: fingerprint, r: response }
    await this.#redis.set(`idempotency:${key}`, JSON.stringify(stored), 'PX', ttlMs)
  }

  async release(key: string, holder = ''): Promise<void> {
    await this.#redis.idempotencyRelease(`idempotency:${key}`, holder)
  }
}
