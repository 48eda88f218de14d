/**
 * What one gateway request learns on its way through the engine (which connections it used,
 * how its reads were served), kept in AsyncLocalStorage so adapters need not pass it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { TraceContext } from './tracing.js'

export type CacheResult = 'HIT' | 'MISS' | 'STALE'

export interface RequestContext {
  /** Connections this request called or read from the cache. */
  connections: Set<string>
  /** The worst cache result of its reads: STALE over MISS over HIT. */
  cache: CacheResult | null
  /** Whether it sent any upstream write (then a failure may still have changed something). */
  wrote: boolean
  /** Upstream calls made for it and the time they took. */
  upstreamCalls: number
  upstreamMs: number
  trace: TraceContext | null
}

const storage = new AsyncLocalStorage<RequestContext>()

export function runWithContext<T>(fn: () => T, trace: TraceContext | null = null): T {
  return storage.run({ connections: new Set(), cache: null, wrote: false, upstreamCalls: 0, upstreamMs: 0, trace }, fn)
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

export function noteWrite(connection: string): void {
  const context = storage.getStore()
  if (context === undefined) return
  context.connections.add(connection)
  context.wrote = true
}

export function noteUpstreamTime(ms: number): void {
  const context = storage.getStore()
  if (context === undefined) return
  context.upstreamCalls++
  context.upstreamMs += ms
}
