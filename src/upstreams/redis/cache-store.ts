/**
 * The read cache in Redis, shared by replicas. Entries are JSON with a time to live of their
 * freshness plus the stale window; each tag is a set of the keys carrying it, so a write on
 * any replica invalidates for all. Redis's own `maxmemory` policy bounds the bytes.
 */
import type { Redis, Result } from 'ioredis'
import type { CacheEntry, CacheStore } from '../cache/store.js'

// KEYS: tag sets. Deletes every key they list, then the sets.
const INVALIDATE = `
for _, tag in ipairs(KEYS) do
  local keys = redis.call('SMEMBERS', tag)
  for _, key in ipairs(keys) do redis.call('DEL', key) end
  redis.call('DEL', tag)
end
return 1
`

declare module 'ioredis' {
  interface RedisCommander<Context> {
    cacheInvalidate(count: number, ...tags: string[]): Result<number, Context>
  }
}

export class RedisCacheStore implements CacheStore {
  readonly #redis: Redis
  readonly #staleMs: number
  readonly #prefix: string

  readonly #now: () => number

  constructor(redis: Redis, options: { staleMs: number; now?: () => number }) {
    this.#now = options.now ?? Date.now
    this.#redis = redis
    this.#staleMs = options.staleMs
    // The client adds its own key prefix to KEYS, but not to keys a script reads from a set.
    this.#prefix = redis.options.keyPrefix ?? ''
    redis.defineCommand('cacheInvalidate', { lua: INVALIDATE })
  }

  async get<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const raw = await this.#redis.get(`cache:${key}`)
    return raw === null ? undefined : (JSON.parse(raw) as CacheEntry<T>)
  }

  async set<T>(key: string, entry: CacheEntry<T>): Promise<void> {
    const ttl = Math.max(1, entry.freshUntil + this.#staleMs - this.#now())
    const pipeline = this.#redis.multi().set(`cache:${key}`, JSON.stringify(entry), 'PX', ttl)
    for (const tag of entry.tags) {
      pipeline.sadd(`tag:${tag}`, `${this.#prefix}cache:${key}`).pexpire(`tag:${tag}`, ttl, 'GT')
      // A new set has no TTL yet, and GT never sets one on such a key.
      pipeline.pexpire(`tag:${tag}`, ttl, 'NX')
    }
    await pipeline.exec()
  }

  async invalidate(tags: string[]): Promise<void> {
    if (tags.length === 0) return
    await this.#redis.cacheInvalidate(tags.length, ...tags.map((t) => `tag:${t}`))
  }

  async clear(): Promise<void> {
    for (const pattern of ['cache:*', 'tag:*']) {
      let cursor = '0'
      do {
        const [next, keys] = await this.#redis.scan(cursor, 'MATCH', `${this.#prefix}${pattern}`, 'COUNT', 500)
        cursor = next
        if (keys.length > 0) await this.#redis.del(...keys.map((k) => k.slice(this.#prefix.length)))
      } while (cursor !== '0')
    }
  }

  /** The shared store's memory and key count (Redis-wide: counting cache keys alone would mean a scan). */
  async stats(): Promise<{ bytes: number; entries: number }> {
    const info = await this.#redis.info('memory')
    const bytes = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0)
    return { bytes, entries: await this.#redis.dbsize() }
  }
}
