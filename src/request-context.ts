/**
 * What one gateway request learns on its way through the engine (which connections it used,
 * how its reads were served), kept in AsyncLocalStorage so adapters need not pass it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import diagnostics from 'node:diagnostics_channel'
import { type TraceContext, childTraceparent, newTrace } from './tracing.js'
import type { Lane } from './upstreams/budget/scheduler.js'
import type { CallScope } from './upstreams/call-scope.js'
import type { UpstreamCallEvent, UseEvent, WarningEvent } from './upstreams/instrumentation.js'

type CacheResult = 'HIT' | 'MISS' | 'STALE'

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
  /** What must happen before each upstream write leaves (see `CallScope.beforeWrite`). */
  beforeWrite: (() => Promise<void>) | undefined
  /** Told once, when an upstream first accepted one of its writes (see write-deadline.ts). */
  onCommitted: (() => void) | undefined
  /** The step of the accepted write under way, and where its record can be read, once known. */
  step: string | null
  location: string | null
  /** Its upstream calls on their way now (sent, not yet answered). */
  inCall: number
}

/** A step of an accepted write that did not complete (`step` names it, `code` says why). */
type WriteWarning = WarningEvent

const storage = new AsyncLocalStorage<RequestContext>()

function newContext(trace: TraceContext | null, lane: Lane): RequestContext {
  return {
    connections: new Set(),
    cache: null,
    wrote: false,
    upstreamCalls: 0,
    upstreamMs: 0,
    trace,
    lane,
    party: undefined,
    warnings: [],
    beforeWrite: undefined,
    onCommitted: undefined,
    step: null,
    location: null,
    inCall: 0,
  }
}

export function runWithContext<T>(fn: () => T, trace: TraceContext | null = null): T {
  return storage.run(newContext(trace, 'client'), fn)
}

/**
 * Runs work of the replica sync: its upstream calls take the background lane (only the budget
 * clients leave) as party `sync`, and its context counts them. Returns what `fn` returned and
 * the calls it made.
 */
export async function runInBackground<T>(fn: () => Promise<T>): Promise<{ value: T; calls: number }> {
  const context = newContext(null, 'background')
  context.party = 'sync'
  const value = await storage.run(context, fn)
  return { value, calls: context.upstreamCalls }
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore()
}

/** The request's work is now on behalf of this API key (set once authenticated). */
export function noteParty(party: string): void {
  const context = storage.getStore()
  if (context !== undefined) context.party = party
}

const RANK: Record<CacheResult, number> = { HIT: 0, MISS: 1, STALE: 2 }

/** What the upstream engine tells of the work it does for the request in whose context it runs. */
function onUse(message: unknown): void {
  const context = storage.getStore()
  if (context === undefined) return
  const event = message as UseEvent
  context.connections.add(event.connection)
  switch (event.use) {
    case 'read':
      if (context.cache === null || RANK[event.result] > RANK[context.cache]) context.cache = event.result
      break
    case 'write':
      context.wrote = true
      break
    case 'committed':
      // Told directly too (CallScope.committed); the channel is for whoever else follows.
      break
  }
}

function onCall(message: unknown): void {
  const context = storage.getStore()
  if (context === undefined) return
  context.upstreamCalls++
  context.upstreamMs += (message as UpstreamCallEvent).durationMs
}

function onWarning(message: unknown): void {
  storage.getStore()?.warnings.push(message as WarningEvent)
}

const SUBSCRIPTIONS: Array<[string, (message: unknown) => void]> = [
  ['switchboard:upstream:use', onUse],
  ['switchboard:upstream:call', onCall],
  ['switchboard:upstream:warning', onWarning],
]

/** Apps in this process following the engine's work: the listeners are subscribed once for all. */
let followers = 0

/**
 * Keeps every request's accounts from what the engine publishes (diagnostics_channel runs
 * subscribers in the publisher's async context, so the store is the request's). Returns the
 * function that stops it.
 */
export function followUpstreamWork(): () => void {
  if (followers++ === 0) for (const [name, listener] of SUBSCRIPTIONS) diagnostics.subscribe(name, listener)
  let stopped = false
  return () => {
    if (stopped) return
    stopped = true
    if (--followers === 0) for (const [name, listener] of SUBSCRIPTIONS) diagnostics.unsubscribe(name, listener)
  }
}

/** Who an upstream call made now is for, as the engine asks (see upstreams/call-scope.ts). */
export function callScope(): CallScope | undefined {
  const context = storage.getStore()
  if (context === undefined) return undefined
  return {
    lane: context.lane,
    party: context.party,
    request: context,
    traceparent: () => childTraceparent((context.trace ??= newTrace())),
    ...(context.beforeWrite === undefined ? {} : { beforeWrite: context.beforeWrite }),
    committed: () => {
      if (context.lane !== 'client') return
      context.lane = 'committed'
      context.onCommitted?.()
    },
    step: (name) => {
      context.step = name
    },
    written: (location) => {
      context.location = location
    },
    calling: (delta) => {
      context.inCall += delta
    },
  }
}
