/** Shared state through Redis (`REDIS_URL`): the stores, their fallbacks, and readiness. */
import type { Redis } from 'ioredis'
import { type Clock, realClock } from '../../clock.js'
import type { Stores } from '../registry.js'
import { RedisBudgetStore } from './budget-store.js'
import { RedisCacheStore } from './cache-store.js'
import { connectRedis, redisReachable, waitReady } from './connection.js'
import { FallbackBudgetStore, GuardedIdempotencyStore, ResilientCacheStore } from './fallback.js'
import { RedisIdempotencyStore } from './idempotency-store.js'
import { RedisReplicaSlots } from './replica-slots.js'

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
  /** A fixed slot for this replica; null claims a free one through Redis. */
  replicaSlot?: number | null
  /** How long an absent gateway's time slots are held for it (see replica-slots.ts). */
  failoverMs?: number
  clock?: Clock
  staleMs: number
  /** Prefix of every key, so several deployments (or test runs) can share one Redis. */
  keyPrefix?: string
  /** `error` when something the client was told is done is not yet where it must be. */
  onFailure: (what: string, err: unknown, level?: 'warn' | 'error') => void
}

export function createSharedState(options: SharedStateOptions): SharedState {
  const redis = connectRedis(options.url, options.keyPrefix)
  // Connection errors are reported through the stores' failures; keep the client from crashing the process.
  redis.on('error', () => undefined)
  const clock = options.clock ?? realClock
  const slots = new RedisReplicaSlots(redis, options.replicas, options.replicaSlot ?? null, options.failoverMs, clock)
  const shared = new RedisBudgetStore(redis, {
    clock,
    replicas: options.replicas,
    absent: (windowMs) => slots.absent(windowMs),
    // The grants this gateway made, kept by its fallback budget: written back to a Redis that lost them.
    ownGrants: (key, since) => budget.ownGrants(key, since),
  })
  const budget: FallbackBudgetStore = new FallbackBudgetStore(shared, {
    replicas: options.replicas,
    slots,
    ...(options.failoverMs === undefined ? {} : { failoverMs: options.failoverMs }),
    onFailure: (err) => options.onFailure('rate budget falls back to this replica’s time slots', err),
    now: () => clock.now(),
  })
  const ready = waitReady(redis, 2_000)
  const cache = new ResilientCacheStore(
    new RedisCacheStore(redis, { staleMs: options.staleMs, now: () => clock.now() }),
    (err) => options.onFailure('cache', err),
    clock,
  )
  const idempotency = new GuardedIdempotencyStore(
    new RedisIdempotencyStore(redis),
    (err) => options.onFailure('an idempotency record is kept on this replica until Redis takes it', err, 'error'),
    clock,
  )
  return {
    redis,
    // The slot is claimed as soon as Redis first answers; until then the replica makes no call.
    ready: ready.then(async (up) => {
      await slots.start()
      return up
    }),
    stores: { budget, cache, idempotency },
    async health() {
      return { redis: await redisReachable(redis), budget: budget.degraded ? 'local-fallback' : 'shared' }
    },
    async close() {
      slots.stop()
      shared.stop()
      cache.stop()
      idempotency.stop()
      redis.disconnect()
    },
  }
}
