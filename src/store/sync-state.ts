/**
 * Each connection's sync state in the store: its phase, its checkpoint (a restart resumes
 * there) and its health. Every replica reads it, so the ones that do not sync know when the
 * replica can answer and how fresh it is.
 */
import type { StoreDb } from './db.js'
import type { StoreTables } from './tables.js'

type SyncPhase = 'backfilling' | 'live'

export interface SyncState {
  connection: string
  source: string
  phase: SyncPhase
  checkpoint: Record<string, unknown>
  backfilledAt: string | null
  participantsComplete: boolean
  lastSuccessAt: string | null
  lastAttemptAt: string | null
  lastError: string | null
  calls: number
  /** The fingerprint of the upstream its records came from (null: not recorded yet). */
  upstream: string | null
}

/** What a sync tells operators beside its phase (kept in the checkpoint, shown in `/v1/sources`). */
export interface SyncReport {
  /** Records per upstream page in use (BatchBook). */
  pageSize?: number
  /** When the last pass looking for deletions ended, and when the next is due. */
  reconciledAt?: string
  nextReconcileAt?: string | null
  /** Records the last reconcile pass found deleted upstream. */
  lastReconcileDeleted?: number
  /** Records found deleted upstream since the sync began (passes, rechecks and 404s). */
  deletionsFound?: number
  /** When the current run of failed steps began (absent while steps succeed). */
  failingSince?: string
}

/** The state's report, created empty when it has none yet. */
export function reportOf(state: SyncState): SyncReport {
  const checkpoint = state.checkpoint as { report?: SyncReport }
  return (checkpoint.report ??= {})
}

/** Counts records found deleted upstream. */
export function countDeletion(state: SyncState, records = 1): void {
  const report = reportOf(state)
  report.deletionsFound = (report.deletionsFound ?? 0) + records
}

/** The state of a connection that was never synced. */
export function initialState(connection: string, source: string, upstream: string | null): SyncState {
  return {
    connection,
    source,
    phase: 'backfilling',
    checkpoint: {},
    backfilledAt: null,
    participantsComplete: false,
    lastSuccessAt: null,
    lastAttemptAt: null,
    lastError: null,
    calls: 0,
    upstream,
  }
}

/** Turns `state` back into a first sync of its connection (its records were dropped). */
export function startOver(state: SyncState): void {
  Object.assign(state, initialState(state.connection, state.source, state.upstream), { calls: state.calls })
}

export class SyncStates {
  readonly #store: StoreDb

  constructor(store: StoreDb) {
    this.#store = store
  }

  async get(connection: string): Promise<SyncState | undefined> {
    const row = await this.#store.db
      .selectFrom('sync_state')
      .selectAll()
      .where('connection', '=', connection)
      .executeTakeFirst()
    return row === undefined ? undefined : fromRow(row)
  }

  async all(): Promise<SyncState[]> {
    const rows = await this.#store.db.selectFrom('sync_state').selectAll().execute()
    return rows.map(fromRow)
  }

  /** Writes the whole state (the syncer is the only writer of its connection's row). */
  async put(state: SyncState): Promise<void> {
    const row = {
      connection: state.connection,
      source: state.source,
      phase: state.phase,
      checkpoint: JSON.stringify(state.checkpoint),
      backfilled_at: state.backfilledAt,
      participants_complete: state.participantsComplete ? 1 : 0,
      last_success_at: state.lastSuccessAt,
      last_attempt_at: state.lastAttemptAt,
      last_error: state.lastError,
      calls: state.calls,
      upstream: state.upstream,
    }
    const { connection: _connection, ...update } = row
    await this.#store.db
      .insertInto('sync_state')
      .values(row)
      .onConflict((oc) => oc.column('connection').doUpdateSet(update))
      .execute()
  }
}

function fromRow(row: StoreTables['sync_state']): SyncState {
  return {
    connection: row.connection,
    source: row.source,
    phase: row.phase === 'live' ? 'live' : 'backfilling',
    checkpoint: JSON.parse(row.checkpoint) as Record<string, unknown>,
    backfilledAt: row.backfilled_at,
    participantsComplete: row.participants_complete === 1,
    lastSuccessAt: row.last_success_at,
    lastAttemptAt: row.last_attempt_at,
    lastError: row.last_error,
    calls: Number(row.calls),
    upstream: row.upstream,
  }
}
