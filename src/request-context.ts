/**
 * What one gateway request learns on its way through the engine (which connections it used,
 * how its reads were served), kept in AsyncLocalStorage so adapters need not pass it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

export type CacheResult = 'HIT' | 'MISS' | 'STALE'

export interface RequestContext {
  /** Connections this request called or read from the cache. */
  connections: Set<string>
  /** The worst cache result of its reads: STALE over MISS over HIT. */
  cache: CacheResult | null
}

const storage = new AsyncLocalStorage<RequestContext>()

export function runWithContext<T>(fn: () => T): T {
  return storage.run({ connections: new Set(), cache: null }, fn)
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore()
}

const RANK: Record<CacheResult, number> = { HIT: 0, MISS: 1, STALE: 2 }

export function noteRead(connection: string, result: CacheResult): void {
  const context = storage.getStore()
  if (context === undefined) return
  context.connections.add(connection)
  if (context.cache === null || RANK[result] > RANK[context.cache]) context.cache = result
}

export function noteCall(connection: string): void {
  storage.getStore()?.connections.add(connection)
}
