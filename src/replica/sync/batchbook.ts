/**
 * The sync of a BatchBook connection, one upstream call per step:
 *
 * 1. backfill: the communications, page after page (10 a page, the documented default,
 *    unless configured), newest first; the checkpoint is the offset reached;
 * 2. live: every poll interval, the communications `updated_since` the newest change seen
 *    (the upstream's clock; the first poll after the backfill reaches back over it, so
 *    records created or changed while it ran are caught);
 * 3. a reconcile pass every `reconcileMs`, walking every page again: a record no pass, poll
 *    or write saw since it began was deleted upstream and leaves the replica;
 * 4. with nothing else to do, the participants of one communication (one call each, lowest
 *    priority), newest first, until every record has them; a record that changed has them
 *    read again.
 */
import type { SyncConfig } from '../../config.js'
import type { MessageFilters, SourceAdapter } from '../../upstreams/adapter.js'
import type { EventOrigin } from '../events.js'
import type { Replica } from '../index.js'
import type { SyncState } from '../sync-state.js'
import { CLOCK_SKEW_MS, type ConnectionSync } from './connection-sync.js'

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
}

type BatchBookSource = SourceAdapter & Required<Pick<SourceAdapter, 'listMessages' | 'listParticipants'>>

export function isBatchBookSource(adapter: SourceAdapter): adapter is BatchBookSource {
  return (
    adapter.connection.source === 'batchbook' &&
    adapter.listMessages !== undefined &&
    adapter.listParticipants !== undefined
  )
}

export class BatchBookSync implements ConnectionSync {
  readonly connection: string
  readonly source = 'batchbook'
  readonly #adapter: BatchBookSource
  readonly #replica: Replica
  readonly #config: SyncConfig

  constructor(adapter: BatchBookSource, replica: Replica, config: SyncConfig) {
    this.connection = adapter.connection.name
    this.#adapter = adapter
    this.#replica = replica
    this.#config = config
  }

  async step(state: SyncState): Promise<number> {
    const cp = state.checkpoint as Checkpoint
    const now = Date.now()
    if (state.phase === 'backfilling') {
      cp.startedAt ??= new Date(now).toISOString()
      const { count, exhausted } = await this.#page(cp.offset ?? 0, {}, null)
      cp.offset = (cp.offset ?? 0) + count
      if (exhausted) {
        state.phase = 'live'
        state.backfilledAt = new Date().toISOString()
        state.lastSuccessAt = cp.startedAt
        cp.since = new Date(Date.parse(cp.startedAt) - CLOCK_SKEW_MS).toISOString()
        cp.nextPollAt = Date.now()
        cp.nextReconcileAt = Date.now() + this.#config.reconcileMs
        delete cp.offset
        delete cp.startedAt
      }
      return 0
    }
    if (cp.poll !== undefined || now >= (cp.nextPollAt ?? 0)) return this.#poll(state, cp)
    if (cp.reconcile !== undefined || (this.#config.reconcileMs > 0 && now >= (cp.nextReconcileAt ?? Infinity))) {
      return this.#reconcile(cp)
    }
    const [pending] = await this.#replica.messages.pendingParticipants(this.connection, 1)
    if (pending !== undefined) {
      const participants = await this.#adapter.listParticipants([pending.remoteId])
      // Completing a record the backfill found is part of the backfill: no event. A record
      // that changed since was announced, and its participants are news.
      const announced = state.backfilledAt !== null && pending.updatedAt > state.backfilledAt
      await this.#replica.messages.setParticipants(pending.id, participants, announced ? 'sync' : null)
      return 0
    }
    state.participantsComplete = true
    const due = Math.min(
      cp.nextPollAt ?? Infinity,
      this.#config.reconcileMs > 0 ? (cp.nextReconcileAt ?? Infinity) : Infinity,
    )
    return Math.max(0, due - Date.now())
  }

  async #poll(state: SyncState, cp: Checkpoint): Promise<number> {
    const poll = (cp.poll ??= { offset: 0, newest: null, startedAt: new Date().toISOString() })
    const filters: MessageFilters = cp.since === undefined ? {} : { updatedSince: cp.since }
    const { count, exhausted, newest } = await this.#page(poll.offset, filters, 'sync')
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

  async #reconcile(cp: Checkpoint): Promise<number> {
    const pass = (cp.reconcile ??= { offset: 0, startedAt: new Date().toISOString() })
    const { count, exhausted } = await this.#page(pass.offset, {}, 'sync')
    pass.offset += count
    if (exhausted) {
      await this.#replica.messages.removeUnseen(this.connection, pass.startedAt, 'sync')
      cp.nextReconcileAt = Date.now() + this.#config.reconcileMs
      delete cp.reconcile
    }
    return 0
  }

  /** One upstream page from `offset`, stored; how many it held and the newest change among them. */
  async #page(
    offset: number,
    filters: MessageFilters,
    origin: EventOrigin | null,
  ): Promise<{ count: number; exhausted: boolean; newest: string | null }> {
    const size = this.#config.batchbookPageSize
    const page = await this.#adapter.listMessages(
      { offset, limit: size, pageSize: size, filters },
      { expandParticipants: false, includeRemote: false, fresh: true },
    )
    await this.#replica.messages.upsert(page.items, false, origin)
    let newest: string | null = null
    for (const m of page.items) if (newest === null || m.updatedAt > newest) newest = m.updatedAt
    return { count: page.items.length, exhausted: page.exhausted, newest }
  }
}
