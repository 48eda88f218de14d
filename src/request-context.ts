/**
 * What one gateway request learns on its way through the engine (which connections it used,
 * how its reads were served, the steps of an accepted write that failed), kept in
 * AsyncLocalStorage so adapters need not pass it along. The engine tells it directly, through
 * the call scope (`callScope`).
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { type TraceContext, childTraceparent, newTrace } from './tracing.js'
import type { Lane } from './upstreams/budget/scheduler.js'
import type { CallScope } from './upstreams/call-scope.js'
import type { UseEvent, WarningEvent } from './upstreams/instrumentation.js'

type CacheResult = 'HIT' | 'MISS' | 'STALE'

export interface RequestContext {
  /** Connections this request called or read from the cache. */
  connections: Set<string>
  /** The worst cache result of its reads: STALE over MISS over HIT. */
  cache: CacheResult | null
  /** Whether it sent any upstream write (then a failure may still have changed something). */
  wrote: boolean
  /** Whether an upstream accepted one of its writes: from then on a failure is a warning, not an error. */
  accepted: boolean
  /** Upstream calls made for it and the time they took. */
  upstreamCalls: number
  upstreamMs: number
  trace: TraceContext | null
  /**
   * The rate-budget lane of its next upstream calls: `client` until an upstream accepted one
   * of its writes, `committed` from then on (finishing that write is never refused for
   * budget), and from the first call of a queued operation's run; `background` for the sync.
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
  /**
   * Set while a write the client asked to run later is checked: its first upstream call stops
   * the handler with `DeferredWrite`, and the write is queued instead (see plugins/operations.ts).
   */
  deferral: { connection: string | null } | null
}

/** Thrown at a deferred write's first upstream call: nothing was spent, `connection` is its queue. */
export class DeferredWrite extends Error {
  constructor(readonly connection: string) {
    super(`a write for ${connection} is queued rather than run now`)
    this.name = 'DeferredWrite'
  }
}

/** A step of an accepted write that did not complete (`step` names it, `code` says why). */
type WriteWarning = WarningEvent

const storage = new AsyncLocalStorage<RequestContext>()

function newContext(trace: TraceContext | null, lane: Lane): RequestContext {
  return {
    connections: new Set(),
    cache: null,
    wrote: false,
    accepted: false,
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
    deferral: null,
  }
}

export function runWithContext<T>(fn: () => T, trace: TraceContext | null = null): T {
  return storage.run(newContext(trace, 'client'), fn)
}

/**
 * Runs work of the sync: its upstream calls take the background lane (only the budget
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

/**
 * The request runs a queued operation of this API key: an upstream already has its turn, so
 * its calls take the committed lane from the first (never refused for budget, only waited for).
 */
export function noteOperationRun(party: string): void {
  const context = storage.getStore()
  if (context === undefined) return
  context.party = party
  context.lane = 'committed'
}

/** The request's work is now on behalf of this API key (set once authenticated). */
export function noteParty(party: string): void {
  const context = storage.getStore()
  if (context !== undefined) context.party = party
}

function defer(context: RequestContext, connection: string): never {
  const deferral = context.deferral as { connection: string | null }
  deferral.connection ??= connection
  throw new DeferredWrite(deferral.connection)
}

const RANK: Record<CacheResult, number> = { HIT: 0, MISS: 1, STALE: 2 }

/** What the upstream engine tells of the work it does for a request (see `CallScope.used`). */
function noteUse(context: RequestContext, event: UseEvent): void {
  context.connections.add(event.connection)
  if (event.use === 'read') {
    if (context.cache === null || RANK[event.result] > RANK[context.cache]) context.cache = event.result
  } else if (event.use === 'write') context.wrote = true
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
    ...(context.deferral === null ? {} : { beforeCall: (connection: string) => defer(context, connection) }),
    committed: () => {
      if (context.accepted) return
      context.accepted = true
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
    used: (event) => noteUse(context, event),
    called: (durationMs) => {
      context.upstreamCalls++
      context.upstreamMs += durationMs
    },
    warn: (warning) => {
      context.warnings.push(warning)
    },
  }
}
