/** Redis for tests: the local server, each test run under its own key prefix. */
import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { connectRedis, waitReady } from '../../src/upstreams/redis/connection.js'

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export function testPrefix(): string {
  return `switchboard-test:${randomBytes(6).toString('hex')}:`
}

const opened: Redis[] = []

export async function testRedis(prefix = testPrefix()): Promise<Redis> {
  const redis = connectRedis(REDIS_URL, prefix)
  opened.push(redis)
  if (!(await waitReady(redis, 5_000))) throw new Error(`Redis does not answer at ${REDIS_URL}`)
  return redis
}

/** Removes this run's keys and closes every connection opened here. */
export async function closeTestRedis(): Promise<void> {
  for (const redis of opened.splice(0)) {
    const prefix = redis.options.keyPrefix ?? ''
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys.map((k) => k.slice(prefix.length)))
    redis.disconnect()
  }
}
