/**
 * Where upstream reads are cached. Entries are keyed by connection, credential, method and
 * URL (so nothing is shared across connections or credentials) and tagged with the records
 * and lists they hold, so a write can invalidate exactly what it may have changed.
 */
export interface CacheEntry<T = unknown> {
  value: T
  /** Approximate size in bytes, for the store's byte bound. */
  size: number
  storedAt: number
  /** After this instant the entry is stale: served only when the upstream fails. */
  freshUntil: number
  tags: string[]
}

export interface CacheStore {
  get<T>(key: string): Promise<CacheEntry<T> | undefined>
  /** Keeps the entry until `freshUntil + staleMs` at most; the store may evict it sooner. */
  set<T>(key: string, entry: CacheEntry<T>): Promise<void>
  /** Removes every entry carrying any of these tags. */
  invalidate(tags: string[]): Promise<void>
  clear(): Promise<void>
  /** Bytes and entries held now. */
  stats(): Promise<{ bytes: number; entries: number }>
}
