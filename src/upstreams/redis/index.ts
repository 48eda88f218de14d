/** Shared state through Redis (`REDIS_URL`): the stores, their fallbacks, and readiness. */
import type { Redis } from 'ioredis'
import type { Stores } from '../registry.js'
import { RedisBudgetStore } from './budget-store.js'
import { RedisCacheStore } from './cache-store.js'
import { connectRedis, redisReachable, waitReady } from './connection.js'
import { FallbackBudgetStore, GuardedIdempotencyStore, ResilientCacheStore } from './fallback.js'
import { RedisIdempotencyStore } from './idempotency-store.js'

export interface SharedState {
  stores: Stores
  redis: Redis
  /** Resolves when Redis first answered, or after a short wait (the fallbacks cover the rest). */
  ready: Promise<boolean>
  /** Redis reachable now, and whether the budget runs on the local fallback. */
  health(): Promise<{ redis: boolean; budget: 'shared' | 'local-fallback' }>
  close(): Promise<void>
}

export interface SharedStateOptions {
  url: string
  replicas: number
  staleMs: number
  /** Prefix of every key, so several deployments (or test runs) can share one Redis. */
  keyPrefix?: string
  onFailure: (what: string, err: unknown) => void
}

export function createSharedState(options: SharedStateOptions): SharedState {
  const redis = connectRedis(options.url, options.keyPrefix)
  // Connection errors are reported through the stores' failures; keep the client from crashing the process.
  redis.on('error', () => undefined)
  const budget = new FallbackBudgetStore(new RedisBudgetStore(redis), {
    replicas: options.replicas,
    onFailure: (err) => options.onFailure('rate budget falls back to a local share', err),
  })
  return {
    redis,
    ready: waitReady(redis, 2_000),
    stores: {
      budget,
      cache: new ResilientCacheStore(new RedisCacheStore(redis, { staleMs: options.staleMs }), (err) => options.onFailure('cache', err)),
      idempotency: new GuardedIdempotencyStore(new RedisIdempotencyStore(redis)),
    },
    async health() {
      return { redis: await redisReachable(redis), budget: budget.degraded ? 'local-fallback' : 'shared' }
    },
    async close() {
      redis.disconnect()
    },
  }
}
