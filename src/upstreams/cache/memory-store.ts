/** The in-process cache: an LRU bounded by total bytes, with a tag index for invalidation. */
import { LRUCache } from 'lru-cache'
import type { CacheEntry, CacheStore } from './store.js'

export interface MemoryCacheOptions {
  maxBytes: number
  /** How long past `freshUntil` an entry is kept for serving when the upstream fails. */
  staleMs: number
  now?: () => number
}

export class MemoryCacheStore implements CacheStore {
  readonly #lru: LRUCache<string, CacheEntry>
  readonly #byTag = new Map<string, Set<string>>()
  readonly #staleMs: number
  readonly #now: () => number

  constructor(options: MemoryCacheOptions) {
    this.#staleMs = options.staleMs
    this.#now = options.now ?? Date.now
    this.#lru = new LRUCache<string, CacheEntry>({
      maxSize: Math.max(1, options.maxBytes),
      // Keys count too: a flood of tiny entries must not escape the bound.
      sizeCalculation: (entry, key) => Math.max(1, entry.size + key.length),
      // An entry larger than the whole cache is simply not stored.
      maxEntrySize: Math.max(1, options.maxBytes),
      dispose: (entry, key) => this.#unindex(key, entry.tags),
    })
  }

  async get<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const entry = this.#lru.get(key)
    if (entry === undefined) return undefined
    if (this.#now() > entry.freshUntil + this.#staleMs) {
      this.#lru.delete(key)
      return undefined
    }
    return entry as CacheEntry<T>
  }

  async set<T>(key: string, entry: CacheEntry<T>): Promise<void> {
    this.#lru.set(key, entry as CacheEntry)
    if (!this.#lru.has(key)) return
    for (const tag of entry.tags) {
      let keys = this.#byTag.get(tag)
      if (keys === undefined) {
        keys = new Set()
        this.#byTag.set(tag, keys)
      }
      keys.add(key)
    }
  }

  async invalidate(tags: string[]): Promise<void> {
    for (const tag of tags) {
      const keys = this.#byTag.get(tag)
      if (keys === undefined) continue
      for (const key of [...keys]) this.#lru.delete(key)
    }
  }

  async clear(): Promise<void> {
    this.#lru.clear()
    this.#byTag.clear()
  }

  async stats(): Promise<{ bytes: number; entries: number }> {
    return { bytes: this.#lru.calculatedSize, entries: this.#lru.size }
  }

  #unindex(key: string, tags: string[]): void {
    for (const tag of tags) {
      const keys = this.#byTag.get(tag)
      if (keys === undefined) continue
      keys.delete(key)
      if (keys.size === 0) this.#byTag.delete(tag)
    }
  }
}
