/** A connection's sync as `/v1/sources`, `/readyz` and the metrics show it. */
import type { RateLimit, SyncConfig } from '../config.js'
import type { Store } from '../store/index.js'
import { reportOf } from '../store/sync-state.js'
import { defaultMargin } from '../upstreams/budget/scheduler.js'
import type { Source } from '../schemas/source.js'

export type SyncStatus = NonNullable<Source['sync']>

/**
 * How many poll intervals a sync may fail before `/readyz` says `degraded`: a step that fails
 * once (an upstream blip) is retried within seconds; one failing for several intervals means
 * the store is falling behind.
 */
const FAILING_INTERVALS = 3

/** The poll interval of a connection's source. */
function pollMsOf(config: SyncConfig, source: string): number {
  return source === 'snappy' ? config.pollMs.snappy : config.pollMs.batchbook
}

/**
 * How far the sync is: the backfill (records stored so far; neither upstream says how many it
 * has, so no total), then BatchBook's participants (one call a message: done, total, percent,
 * and the time left at the connection's limit and the sync's share of it), then done.
 */
async function progressOf(
  store: Store,
  connection: string,
  state: Awaited<ReturnType<Store['state']>>,
  stored: number,
  limit: RateLimit,
  config: SyncConfig,
): Promise<SyncStatus['progress']> {
  if (state?.backfilledAt == null)
    return { phase: 'backfill', done: stored, total: null, percent: null, etaSeconds: null }
  if (state.participantsComplete) return { phase: 'done', done: stored, total: stored, percent: 100, etaSeconds: 0 }
  // Only asked while the store answers: a request must not wait out a second deadline for it.
  const pending = store.available ? await store.messages.countPendingParticipants(connection).catch(() => null) : null
  if (pending === null) return { phase: 'participants', done: null, total: stored, percent: null, etaSeconds: null }
  const done = Math.max(0, stored - pending)
  // The gateway's own spacing: the window with the margin every call keeps, over the limit.
  const spacingMs = (limit.windowMs + defaultMargin(limit)) / limit.max / config.budgetShare
  return {
    phase: 'participants',
    done,
    total: stored,
    percent: stored === 0 ? 100 : Math.floor((done / stored) * 1000) / 10,
    etaSeconds: Math.ceil((pending * spacingMs) / 1000),
  }
}

export async function syncStatus(
  store: Store,
  connection: string,
  config: SyncConfig,
  limit: RateLimit,
): Promise<SyncStatus> {
  const [state, counts] = await Promise.all([store.state(connection), store.counts(connection)])
  const report = state === undefined ? {} : reportOf(state)
  const lastSuccessAt = state?.lastSuccessAt ?? null
  const secondsSince = (at: string) => Math.max(0, Math.floor((store.clock.now() - Date.parse(at)) / 1000))
  return {
    state:
      state === undefined
        ? 'pending'
        : state.lastError !== null
          ? 'failing'
          : state.backfilledAt === null
            ? 'backfilling'
            : 'live',
    backfilledAt: state?.backfilledAt ?? null,
    participantsComplete: state?.participantsComplete ?? false,
    records: counts,
    lagSeconds: lastSuccessAt === null ? null : secondsSince(lastSuccessAt),
    lastSuccessAt,
    lastError: state?.lastError ?? null,
    failingSince: report.failingSince ?? null,
    progress: await progressOf(store, connection, state, counts.messages, limit, config),
    budgetShare: config.budgetShare,
    upstreamCalls: state?.calls ?? 0,
    pageSize: report.pageSize ?? null,
    reconcile: {
      lastAt: report.reconciledAt ?? null,
      nextAt: report.nextReconcileAt ?? null,
      lastDeleted: report.lastReconcileDeleted ?? null,
      deletionsFound: report.deletionsFound ?? 0,
    },
  }
}

/**
 * Connections whose sync has failed for longer than a few poll intervals, as the store last
 * said (other gateways' syncs included); none while the store cannot be read.
 */
export async function failingSyncs(
  store: Store,
  connections: ReadonlyArray<{ name: string; source: string }>,
  config: SyncConfig,
): Promise<string[]> {
  const failing: string[] = []
  for (const { name, source } of connections) {
    const state = await store.state(name).catch(() => undefined)
    const since = state === undefined ? undefined : reportOf(state).failingSince
    if (since !== undefined && store.clock.now() - Date.parse(since) > FAILING_INTERVALS * pollMsOf(config, source))
      failing.push(name)
  }
  return failing
}
