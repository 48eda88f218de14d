/**
 * What one gateway request learns on its way through the engine (which connections it used,
 * how its reads were served), kept in AsyncLocalStorage so adapters need not pass it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { TraceContext } from './tracing.js'
import type { Lane } from './upstreams/budget/scheduler.js'

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
  /**
   * The rate-budget lane of its next upstream calls: `client` until an upstream accepted one
   * of its writes, `committed` from then on (finishing that write is never refused for
   * budget); `background` for the sync.
   */
  lane: Lane
  /** Whose work it is (the API key's name), for the fair share between keys. */
  party: string | undefined
  /** Steps that failed after a write was accepted, reported with the 2xx answer. */
  warnings: WriteWarning[]
}

/** A step of an accepted write that did not complete (`step` names it, `code` says why). */
export interface WriteWarning {
  source: string
  connection: string
  step: string
  code: string
  detail: string
}

const storage = new AsyncLocalStorage<RequestContext>()

function newContext(trace: TraceContext | null, lane: Lane): RequestContext {
  return { connections: new Set(), cache: null, wrote: false, upstreamCalls: 0, upstreamMs: 0, trace, lane, party: undefined, warnings: [] }
}

export function runWithContext<T>(fn: () => T, trace: TraceContext | null = null): T {
  return storage.run(newContext(trace, 'client'), fn)
}

/** Runs work of no client (the sync) in the background lane of the rate budget. */
export function runInBackground<T>(fn: () => T): T {
  return storage.run(newContext(null, 'background'), fn)
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

/** The request's work is now on behalf of this API key (set once authenticated). */
export function noteParty(party: string): void {
  const context = storage.getStore()
  if (context !== undefined) context.party = party
}

/** An upstream accepted a write of this request: what follows completes it. */
export function noteCommitted(): void {
  const context = storage.getStore()
  if (context !== undefined && context.lane === 'client') context.lane = 'committed'
}

/** A step after an accepted write failed; the answer stays 2xx and names the step. */
export function noteWarning(warning: WriteWarning): void {
  storage.getStore()?.warnings.push(warning)
}

export function noteUpstreamTime(ms: number): void {
  const context = storage.getStore()
  if (context === undefined) return
  context.upstreamCalls++
  context.upstreamMs += ms
}
