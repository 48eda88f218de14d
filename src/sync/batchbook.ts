/**
 * The sync of a BatchBook connection, one upstream call per step (rarely two):
 *
 * 1. backfill: the communications, page after page, newest first; the checkpoint is the
 *    offset reached;
 * 2. live: every poll interval, the communications `updated_since` the newest change seen
 *    (the upstream's clock; the first poll after the backfill reaches back over it, so
 *    records created or changed while it ran are caught);
 * 3. a reconcile pass walking every page again: a record no pass, poll or write saw since it
 *    began was deleted upstream and leaves the store. Passes start a budget share apart
 *    (see `reconcileInterval`), so at any size the walks take about that share of the limit;
 * 4. with nothing else to do, the participants of one communication (one call each, lowest
 *    priority), newest first, until every record has them; a record that changed has them
 *    read again, and one the upstream no longer has (404) leaves the store at once.
 *
 * Page size: BatchBook documents pages of 10 and takes `limit`, with no documented maximum.
 * Unless `SYNC_BATCHBOOK_PAGE_SIZE` fixes it, the sync asks for pages of 100 and keeps what the
 * upstream honours: a full page of 100 settles it; a short page of 10 or more is either the
 * end or the upstream's own cap, so the next offset is read to tell (more records there: the
 * cap is the page size).
 */
import { isoNow } from '../clock.js'
import type { RateLimit, SyncConfig } from '../config.js'
import { ProblemError } from '../errors.js'
import type { MessageFilters, SourceAdapter } from '../upstreams/adapter.js'
import { BATCHBOOK_PAGE_SIZE } from '../upstreams/batchbook/wire.js'
import type { EventOrigin } from '../store/events.js'
import type { Store } from '../store/index.js'
import { type SyncState, countDeletion, reportOf } from '../store/sync-state.js'
import { UPSTREAM_CLOCK_OVERLAP_MS, type ConnectionSync } from './connection-sync.js'

/** The page size asked for until the upstream showed what it honours. */
const PROBE_PAGE_SIZE = 100

interface Checkpoint {
  /** Backfill: the offset reached and when it began. */
  offset?: number
  startedAt?: string
  /** Live: the upstream `updated_at` polls ask from. */
  since?: string
  nextPollAt?: number
  /** A poll in progress: the offset reached, the newest change seen and when it began. */
  poll?: { offset: number; newest: string | null; startedAt: string }
  nextReconcileAt?: number
  reconcile?: { offset: number; startedAt: string }
  /** The page size the upstream was seen to honour (absent: not known yet). */
  pageSize?: number
}

type BatchBookSource = SourceAdapter & Required<Pick<SourceAdapter, 'listMessages' | 'listParticipants'>>

export function isBatchBookSource(adapter: SourceAdapter): adapter is BatchBookSource {
  return (
    adapter.connection.source === 'batchbook' &&
    adapter.listMessages !== undefined &&
    adapter.listParticipants !== undefined
  )
}

/**
 * Milliseconds between the starts of two reconcile passes: a fixed `SYNC_RECONCILE_MS`, or the
 * time a whole walk of `records` takes at the rate limit, divided by the reconcile's share.
 * 2,000 communications in pages of 100 at 1 call a second and 10%: 20 calls, every 200 s.
 * Never more often than the poll for changes: under a very high limit the share alone would
 * make a walk always due, and the participants' fill (which runs when nothing else is) would
 * never run.
 */
export function reconcileInterval(config: SyncConfig, limit: RateLimit, records: number, pageSize: number): number {
  if (config.reconcileMs !== null) return config.reconcileMs
  const pages = Math.max(1, Math.ceil(records / pageSize))
  const share = Math.ceil((pages * limit.windowMs) / limit.max / config.reconcileShare)
  return Math.max(config.pollMs.batchbook, share)
}

export class BatchBookSync implements ConnectionSync {
  readonly connection: string
  readonly source = 'batchbook'
  readonly #adapter: BatchBookSource
  readonly #store: Store
  readonly #config: SyncConfig

  constructor(adapter: BatchBookSource, store: Store, config: SyncConfig) {
    this.connection = adapter.connection.name
    this.#adapter = adapter
    this.#store = store
    this.#config = config
  }

  async step(state: SyncState): Promise<number> {
    const cp = state.checkpoint as Checkpoint
    const report = reportOf(state)
    report.pageSize = this.#pageSize(cp)
    const now = this.#store.clock.now()
    if (state.phase === 'backfilling') {
      cp.startedAt ??= new Date(now).toISOString()
      const { count, exhausted } = await this.#page(cp, cp.offset ?? 0, {}, null)
      cp.offset = (cp.offset ?? 0) + count
      if (exhausted) {
        state.phase = 'live'
        state.backfilledAt = isoNow(this.#store.clock)
        state.lastSuccessAt = cp.startedAt
        cp.since = new Date(Date.parse(cp.startedAt) - UPSTREAM_CLOCK_OVERLAP_MS).toISOString()
        cp.nextPollAt = this.#store.clock.now()
        cp.nextReconcileAt = this.#store.clock.now() + (await this.#reconcileInterval(cp))
        delete cp.offset
        delete cp.startedAt
      }
      this.#reportReconcile(state, cp)
      return 0
    }
    if (cp.poll !== undefined || now >= (cp.nextPollAt ?? 0)) return this.#poll(state, cp)
    if (cp.reconcile !== undefined || (this.#reconciles() && now >= (cp.nextReconcileAt ?? Infinity))) {
      return this.#reconcile(state, cp)
    }
    const [pending] = await this.#store.messages.pendingParticipants(this.connection, 1)
    if (pending !== undefined) {
      await this.#fillParticipants(state, pending.id, pending.remoteId)
      return 0
    }
    state.participantsComplete = true
    const due = Math.min(cp.nextPollAt ?? Infinity, this.#reconciles() ? (cp.nextReconcileAt ?? Infinity) : Infinity)
    return Math.max(0, due - this.#store.clock.now())
  }

  #reconciles(): boolean {
    return this.#config.reconcileMs !== 0
  }

  /** Reads one record's participants; a record the upstream no longer has leaves the store. */
  async #fillParticipants(state: SyncState, id: string, remoteId: string): Promise<void> {
    let participants
    try {
      participants = await this.#adapter.listParticipants([remoteId])
    } catch (err) {
      if (!(err instanceof ProblemError) || err.status !== 404) throw err
      await this.#store.messages.remove([id], 'sync')
      countDeletion(state)
      return
    }
    // Read for the first time, they complete the record: no event (see setParticipants).
    await this.#store.messages.setParticipants(id, participants, 'sync')
  }

  async #poll(state: SyncState, cp: Checkpoint): Promise<number> {
    const poll = (cp.poll ??= { offset: 0, newest: null, startedAt: isoNow(this.#store.clock) })
    const filters: MessageFilters = cp.since === undefined ? {} : { updatedSince: cp.since }
    const { count, exhausted, newest } = await this.#page(cp, poll.offset, filters, 'sync')
    poll.offset += count
    if (newest !== null && (poll.newest === null || newest > poll.newest)) poll.newest = newest
    if (exhausted) {
      // The next poll asks from the newest change seen (a second back, as the upstream
      // compares whole seconds), so it costs one call when nothing changed.
      if (poll.newest !== null) cp.since = new Date(Date.parse(poll.newest) - 1000).toISOString()
      state.lastSuccessAt = poll.startedAt
      // Polls start one interval apart (not one interval after the last ended), so a change
      // waits at most an interval, plus the poll's own turn at the budget.
      cp.nextPollAt = Date.parse(poll.startedAt) + this.#config.pollMs.batchbook
      delete cp.poll
    }
    return 0
  }

  async #reconcile(state: SyncState, cp: Checkpoint): Promise<number> {
    const pass = (cp.reconcile ??= { offset: 0, startedAt: isoNow(this.#store.clock) })
    const { count, exhausted } = await this.#page(cp, pass.offset, {}, 'sync')
    pass.offset += count
    if (exhausted) {
      const removed = await this.#store.messages.removeUnseen(this.connection, pass.startedAt, 'sync')
      const report = reportOf(state)
      report.reconciledAt = isoNow(this.#store.clock)
      report.lastReconcileDeleted = removed
      countDeletion(state, removed)
      // Passes start an interval apart, so the walks' share holds however long each took.
      cp.nextReconcileAt = Date.parse(pass.startedAt) + (await this.#reconcileInterval(cp))
      delete cp.reconcile
    }
    this.#reportReconcile(state, cp)
    return 0
  }

  #reportReconcile(state: SyncState, cp: Checkpoint): void {
    const report = reportOf(state)
    report.nextReconcileAt =
      this.#reconciles() && cp.nextReconcileAt !== undefined ? new Date(cp.nextReconcileAt).toISOString() : null
  }

  async #reconcileInterval(cp: Checkpoint): Promise<number> {
    const records = await this.#store.messages.count(this.connection)
    return reconcileInterval(this.#config, this.#adapter.connection.rateLimit, records, this.#pageSize(cp))
  }

  #pageSize(cp: Checkpoint): number {
    return this.#config.batchbookPageSize ?? cp.pageSize ?? PROBE_PAGE_SIZE
  }

  /** One upstream page from `offset` (two while the page size is being found), stored. */
  async #page(
    cp: Checkpoint,
    offset: number,
    filters: MessageFilters,
    origin: EventOrigin | null,
  ): Promise<{ count: number; exhausted: boolean; newest: string | null }> {
    const size = this.#pageSize(cp)
    const read = (at: number) =>
      this.#adapter.listMessages(
        { offset: at, limit: size, pageSize: size, filters },
        { expandParticipants: false, includeRemote: false, fresh: true },
      )
    const page = await read(offset)
    const items = [...page.items]
    let exhausted = page.exhausted
    const probing = this.#config.batchbookPageSize === null && cp.pageSize === undefined
    if (probing && !exhausted) cp.pageSize = size
    else if (probing && items.length >= BATCHBOOK_PAGE_SIZE) {
      // A short page of 10 or more: the end, or the most the upstream gives in one page.
      const cap = items.length
      const next = await read(offset + cap)
      if (next.items.length > 0) {
        cp.pageSize = cap
        items.push(...next.items)
        exhausted = next.items.length < cap
      }
    }
    await this.#store.messages.upsert(items, false, origin)
    let newest: string | null = null
    for (const m of items) if (newest === null || m.updatedAt > newest) newest = m.updatedAt
    return { count: items.length, exhausted, newest }
  }
}
