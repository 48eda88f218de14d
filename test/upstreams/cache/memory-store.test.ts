import { describe, expect, it } from 'vitest'
import { MemoryCacheStore } from '../../../src/upstreams/cache/memory-store.js'
import type { CacheEntry } from '../../../src/upstreams/cache/store.js'

function entry(size: number, tags: string[] = [], freshUntil = Number.MAX_SAFE_INTEGER): CacheEntry<string> {
  return { value: 'x'.repeat(8), size, storedAt: 0, freshUntil, tags }
}

describe('MemoryCacheStore', () => {
  it('keeps its total size under the byte bound however many large entries arrive', async () => {
    const store = new MemoryCacheStore({ maxBytes: 1_000_000, staleMs: 0 })
    for (let i = 0; i < 500; i++) await store.set(`key-${i}`, entry(100_000))
    const stats = await store.stats()
    expect(stats.bytes).toBeLessThanOrEqual(1_000_000)
    expect(stats.entries).toBe(9)
    expect(await store.get('key-499')).toBeDefined()
    expect(await store.get('key-0')).toBeUndefined()
  })

  it('does not store an entry larger than the whole cache', async () => {
    const store = new MemoryCacheStore({ maxBytes: 1000, staleMs: 0 })
    await store.set('big', entry(5000, ['t']))
    expect(await store.get('big')).toBeUndefined()
    expect((await store.stats()).entries).toBe(0)
  })

  it('invalidates every entry carrying a tag, and only those', async () => {
    const store = new MemoryCacheStore({ maxBytes: 1_000_000, staleMs: 0 })
    await store.set('record', entry(10, ['comm:1', 'communications']))
    await store.set('list', entry(10, ['communications']))
    await store.set('other', entry(10, ['comm:2']))
    await store.invalidate(['comm:1'])
    expect(await store.get('record')).toBeUndefined()
    expect(await store.get('list')).toBeDefined()
    await store.invalidate(['communications'])
    expect(await store.get('list')).toBeUndefined()
    expect(await store.get('other')).toBeDefined()
  })

  it('keeps an entry past its freshness for the stale window, then drops it', async () => {
    let now = 0
    const store = new MemoryCacheStore({ maxBytes: 1_000_000, staleMs: 100, now: () => now })
    await store.set('k', entry(10, [], 50))
    now = 120
    expect(await store.get('k')).toBeDefined()
    now = 151
    expect(await store.get('k')).toBeUndefined()
  })
})
