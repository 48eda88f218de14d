/**
 * The synced replica of the upstream records: the store's tables behind one object, and each
 * connection's sync state as every request sees it. Reads ask "can the replica answer for
 * this connection, and how fresh is it?" on every request, so the states are kept in memory
 * and read again from the store at most once a second (other replicas' syncers write them);
 * this process's own syncer updates them at once.
 */
import { sql } from 'kysely'
import type { ReplicaConfig } from '../config.js'
import { ConversationRecords } from './conversations.js'
import { type ReplicaDb, openReplicaDb } from './db.js'
import { DirectoryRecords } from './directory.js'
import { EventLog } from './events.js'
import { WebhookStore } from './webhooks.js'
import { SyncLeases } from './lease.js'
import { MessageRecords } from './messages.js'
import { type SyncState, SyncStates } from './sync-state.js'

const STATE_REFRESH_MS = 1_000

export class Replica {
  readonly db: ReplicaDb
  readonly messages: MessageRecords
  readonly conversations: ConversationRecords
  readonly directory: DirectoryRecords
  readonly states: SyncStates
  readonly leases: SyncLeases
  readonly events: EventLog
  readonly webhooks: WebhookStore
  #known = new Map<string, SyncState>()
  #readAt = 0
  #reading: Promise<void> | null = null

  constructor(db: ReplicaDb) {
    this.db = db
    this.messages = new MessageRecords(db)
    this.conversations = new ConversationRecords(db)
    this.directory = new DirectoryRecords(db)
    this.states = new SyncStates(db)
    this.leases = new SyncLeases(db)
    this.events = new EventLog(db)
    this.webhooks = new WebhookStore(db)
  }

  /** The connection's sync state as of at most a second ago. */
  async state(connection: string): Promise<SyncState | undefined> {
    if (Date.now() - this.#readAt > STATE_REFRESH_MS) await this.#refresh()
    return this.#known.get(connection)
  }

  /** True when the connection's backfill is done: its reads come from the replica. */
  async serves(connection: string): Promise<boolean> {
    return (await this.state(connection))?.backfilledAt != null
  }

  /** Seconds since the last successful sync of the oldest of these connections (0 when none synced yet). */
  async dataAge(connections: readonly string[]): Promise<number> {
    let oldest = Date.now()
    for (const name of connections) {
      const at = (await this.state(name))?.lastSuccessAt
      if (at != null) oldest = Math.min(oldest, Date.parse(at))
    }
    return Math.max(0, Math.floor((Date.now() - oldest) / 1000))
  }

  /**
   * Brings PostgreSQL's planner statistics up to date after a bulk load (a backfill, or the
   * participants filled after it). Autovacuum does so in time where it runs, but until then
   * the planner takes a 100,000-message table for a few thousand rows: a search page measured
   * 0.3 s (2.2 s with the participants' old row versions) where 1 to 25 ms with statistics.
   * SQLite has none to refresh: its queries are written so that their plans need none.
   */
  async refreshStatistics(): Promise<void> {
    if (this.db.dialect === 'postgres') await sql`ANALYZE messages, message_contacts, conversations`.execute(this.db.db)
  }

  /** Writes a state and knows it at once (the syncer's own). */
  async putState(state: SyncState): Promise<void> {
    await this.states.put(state)
    this.#known.set(state.connection, state)
  }

  #refresh(): Promise<void> {
    this.#reading ??= this.states
      .all()
      .then((states) => {
        this.#known = new Map(states.map((s) => [s.connection, s]))
        this.#readAt = Date.now()
      })
      .finally(() => {
        this.#reading = null
      })
    return this.#reading
  }

  close(): Promise<void> {
    return this.db.close()
  }
}

export async function openReplica(config: ReplicaConfig, sandbox = false): Promise<Replica> {
  return new Replica(await openReplicaDb(config, sandbox))
}
