/**
 * Each connection's sync state in the store: its phase, its checkpoint (a restart resumes
 * there) and its health. Every replica reads it, so the ones that do not sync know when the
 * replica can answer and how fresh it is.
 */
import type { ReplicaDb } from './db.js'
import type { ReplicaTables } from './tables.js'

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
}

export class SyncStates {
  readonly #replica: ReplicaDb

  constructor(replica: ReplicaDb) {
    this.#replica = replica
  }

  async get(connection: string): Promise<SyncState | undefined> {
    const row = await this.#replica.db
      .selectFrom('sync_state')
      .selectAll()
      .where('connection', '=', connection)
      .executeTakeFirst()
    return row === undefined ? undefined : fromRow(row)
  }

  async all(): Promise<SyncState[]> {
    const rows = await this.#replica.db.selectFrom('sync_state').selectAll().execute()
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
    }
    const { connection: _connection, ...update } = row
    await this.#replica.db
      .insertInto('sync_state')
      .values(row)
      .onConflict((oc) => oc.column('connection').doUpdateSet(update))
      .execute()
  }
}

function fromRow(row: ReplicaTables['sync_state']): SyncState {
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
  }
}
