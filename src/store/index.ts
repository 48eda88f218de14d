/**
 * The synced replica of the upstream records: the store's tables behind one object, and each
 * connection's sync state as every request sees it. Reads ask "can the store answer for
 * this connection, and how fresh is it?" on every request, so the states are kept in memory
 * and read again from the store at most once a second (other replicas' syncers write them);
 * this process's own syncer updates them at once.
 *
 * It also keeps the store usable through outages (see availability.ts): while the store is
 * not `up`, what writes must record waits in the journal; a recovery loop probes the server
 * once a second, migrates it when first reached, replays the journal in order and only then
 * lets requests use the store again.
 */
import type { Clock } from '../clock.js'
import { sql } from 'kysely'
import type { StoreConfig } from '../config.js'
import { type StoreState, isStoreOutage } from './availability.js'
import { ConversationRecords } from './conversations.js'
import { type OpenOptions, type StoreDb, openStoreDb } from './db.js'
import { type JournaledChange, WriteJournal } from './journal.js'
import { DirectoryRecords } from './directory.js'
import { type EventOrigin, EventLog } from './events.js'
import { WebhookStore } from './webhooks.js'
import { OperationStore } from './operations.js'
import { SyncLeases } from './leases.js'
import { MessageRecords } from './messages.js'
import { type SyncState, SyncStates } from './sync-state.js'

const STATE_REFRESH_MS = 1_000
/** How often an unreachable store is probed. */
const PROBE_EVERY_MS = 1_000

export interface StoreOptions {
  /** A journaled change that could not be applied for a reason other than an outage. */
  onJournalDropped?: (what: string, err: unknown) => void
}

export class Store {
  readonly db: StoreDb
  readonly messages: MessageRecords
  readonly conversations: ConversationRecords
  readonly directory: DirectoryRecords
  readonly states: SyncStates
  readonly leases: SyncLeases
  readonly events: EventLog
  readonly webhooks: WebhookStore
  readonly operations: OperationStore
  readonly journal = new WriteJournal()
  readonly #options: StoreOptions
  readonly #closing = new AbortController()
  #recovery: Promise<void> | null = null
  #known = new Map<string, SyncState>()
  #counts = new Map<string, { messages: number; conversations: number }>()
  #readAt = 0
  #reading: Promise<void> | null = null

  constructor(db: StoreDb, options: StoreOptions = {}) {
    this.db = db
    this.#options = options
    db.availability.onDown = () => this.#recover()
    this.messages = new MessageRecords(db)
    this.conversations = new ConversationRecords(db)
    this.directory = new DirectoryRecords(db)
    this.states = new SyncStates(db)
    this.leases = new SyncLeases(db)
    this.events = new EventLog(db)
    this.webhooks = new WebhookStore(db)
    this.operations = new OperationStore(db)
  }

  get clock(): Clock {
    return this.db.clock
  }

  /** Whether requests may use the store now (see availability.ts). */
  get available(): boolean {
    return this.db.availability.up
  }

  get storeState(): StoreState {
    return this.db.availability.state
  }

  /**
   * Connects (PostgreSQL) and waits up to `waitMs` for the store to be usable; false when it is
   * not yet (the recovery loop goes on in the background and the gateway starts degraded).
   */
  async start(waitMs: number): Promise<boolean> {
    if (this.available) return true
    const recovery = this.#recover()
    await Promise.race([recovery, this.clock.sleep(waitMs, this.#closing.signal)])
    return this.available
  }

  /**
   * Records a change the store must take for a write the upstream accepted: at once when the
   * store is up and nothing waits before it, else in the journal, applied in order once the
   * store is back. Throws only for a failure that is not an outage.
   */
  async record(change: JournaledChange): Promise<'stored' | 'journaled'> {
    if (this.available && this.journal.size === 0) {
      try {
        await change.apply(this)
        return 'stored'
      } catch (err) {
        if (!isStoreOutage(err)) throw err
      }
    }
    this.journal.add(change)
    return 'journaled'
  }

  /**
   * The connection's sync state as of at most a second ago; while the store cannot be read,
   * the last one read (ask `available` before serving from the store).
   */
  async state(connection: string): Promise<SyncState | undefined> {
    if (this.clock.now() - this.#readAt > STATE_REFRESH_MS && this.available)
      await this.#refresh().catch(() => undefined)
    return this.#known.get(connection)
  }

  /** The records the store holds of a connection; while it cannot be read, the last counts read. */
  async counts(connection: string): Promise<{ messages: number; conversations: number }> {
    try {
      this.db.availability.assertUp()
      const [messages, conversations] = await Promise.all([
        this.messages.count(connection),
        this.conversations.count(connection),
      ])
      const counts = { messages, conversations }
      this.#counts.set(connection, counts)
      return counts
    } catch {
      return this.#counts.get(connection) ?? { messages: 0, conversations: 0 }
    }
  }

  /** Seconds since the last successful sync of the oldest of these connections (0 when none synced yet). */
  async dataAge(connections: readonly string[]): Promise<number> {
    const now = this.clock.now()
    let oldest = now
    for (const name of connections) {
      const at = (await this.state(name))?.lastSuccessAt
      if (at != null) oldest = Math.min(oldest, Date.parse(at))
    }
    return Math.max(0, Math.floor((now - oldest) / 1000))
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

  /**
   * Forgets a conversation with its messages (deleted upstream, or through the gateway); with
   * an origin, each removal is an event.
   */
  async forgetConversation(id: string, origin: EventOrigin | null): Promise<void> {
    await this.messages.remove(await this.messages.idsOfConversation(id), origin)
    await this.conversations.remove(id, origin)
  }

  /**
   * Drops everything the store holds of a connection (records, directory, sync state) in one
   * transaction, without events: its upstream is no longer the one they came from.
   */
  async forgetConnection(connection: string): Promise<void> {
    await this.db.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('message_contacts')
        .where('message_id', 'in', trx.selectFrom('messages').select('id').where('connection', '=', connection))
        .execute()
      await trx.deleteFrom('messages').where('connection', '=', connection).execute()
      await trx.deleteFrom('conversations').where('connection', '=', connection).execute()
      await trx.deleteFrom('directory').where('connection', '=', connection).execute()
      await trx.deleteFrom('sync_state').where('connection', '=', connection).execute()
    })
    this.#known.delete(connection)
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
        this.#readAt = this.clock.now()
      })
      .finally(() => {
        this.#reading = null
      })
    return this.#reading
  }

  /** Probes until the store answers, then replays the journal; one loop at a time. */
  #recover(): Promise<void> {
    this.#recovery ??= this.#recoverLoop().finally(() => {
      this.#recovery = null
    })
    return this.#recovery
  }

  async #recoverLoop(): Promise<void> {
    const signal = this.#closing.signal
    const availability = this.db.availability
    while (!signal.aborted) {
      try {
        await this.clock.io(this.db.connect())
        await this.journal.replay(this, isStoreOutage, (change, err) =>
          this.#options.onJournalDropped?.(change.what, err),
        )
        availability.recovered()
        return
      } catch (err) {
        availability.failed(err)
        await this.clock.sleep(PROBE_EVERY_MS, signal)
      }
    }
  }

  async close(): Promise<void> {
    this.#closing.abort()
    await this.#recovery
    await this.db.close()
  }
}

/** How long opening waits for PostgreSQL beyond one statement's deadline before starting without it. */
const START_MARGIN_MS = 1_000

/**
 * Opens the store and waits for it a little: a PostgreSQL that does not answer leaves the
 * replica `connecting` (reads take the upstream path) while it goes on trying.
 */
export async function openStore(config: StoreConfig, options: OpenOptions & StoreOptions = {}): Promise<Store> {
  const store = new Store(await openStoreDb(config, options), options)
  await store.start(config.statementTimeoutMs + START_MARGIN_MS)
  return store
}
