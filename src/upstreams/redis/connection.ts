/**
 * The Redis connection shared state goes through. Commands fail fast while Redis is away
 * (no offline queue), so callers can fall back instead of piling up behind a dead link.
 */
import { Redis } from 'ioredis'

export function connectRedis(url: string, keyPrefix = 'switchboard:'): Redis {
  return new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    // Keep trying in the background; every command meanwhile fails at once.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    keyPrefix,
  })
}

/** True when Redis answers a PING now. */
export async function redisReachable(redis: Redis): Promise<boolean> {
  try {
    return (await redis.ping()) === 'PONG'
  } catch {
    return false
  }
}

/** Resolves once the connection is ready, or after `ms` (the stores' fallbacks cover the rest). */
export async function waitReady(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return true
  return new Promise<boolean>((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer)
      redis.off('ready', onReady)
      resolve(ready)
    }
    const onReady = () => done(true)
    const timer = setTimeout(() => done(false), ms)
    redis.on('ready', onReady)
  })
}
