/**
 * Messages in the store: written by the sync and by writes through the gateway, read by
 * the timeline (one query, newest first, keyset on `(sentAt, id)`), the filters and search.
 */
import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from 'kysely'
import type { Message, Participant } from '../schemas/message.js'
import type { TimelineKey } from '../cursor.js'
import type { StoreDb } from './db.js'
import { isoNow } from '../clock.js'
import type { StoreTables } from './tables.js'
import { type EventOrigin, type NewEvent, appendEvents } from './events.js'

/** What a timeline query may filter on, in the store's terms. */
export interface StoredMessageFilters {
  kind?: Message['kind']
  /** A `ctc_…` id: messages it takes part in. */
  contactId?: string
  /** A `conv_…` id: that conversation's messages. */
  conversationId?: string
  createdSince?: string
  createdBefore?: string
  updatedSince?: string
  updatedBefore?: string
  /** Words that must all occur in the subject or body text. */
  q?: string
}

export interface StoredMessageQuery {
  connections: readonly string[]
  filters: StoredMessageFilters
  after: TimelineKey | null
  limit: number
}

/**
 * A message as stored: the JSON its schema produced when it was written, parsed only when
 * asked for. A read served from the store sends that text as it is (see records/store-reads.ts).
 */
export class StoredMessage {
  #message: Message | undefined

  constructor(
    readonly json: string,
    readonly participantsLoaded: boolean,
    /** Its participants were read at least once (those stored may predate a change of the record). */
    readonly participantsKnown: boolean,
  ) {}

  /** The message parsed from `json`, once (a caller may change it and store it again). */
  get message(): Message {
    return (this.#message ??= JSON.parse(this.json) as Message)
  }
}

/** A timeline row: the stored JSON and its position in the timeline. */
export interface StoredTimelineRow {
  json: string
  sentAt: string
  id: string
}

/** Rows written per statement, well under either dialect's bound on parameters. */
const CHUNK = 200

/** The words of a search, each quoted for FTS5 (so no word is read as an operator). */
function ftsQuery(q: string): string | null {
  const words = q.match(/[\p{L}\p{N}_]+/gu)
  return words === null ? null : words.map((w) => `"${w}"`).join(' ')
}

const iso = (value: string) => new Date(value).toISOString()

/**
 * Whether two stored documents are the same record. `participantsStatus` is the store's own
 * progress, not a change of the record: participants read after the record (BatchBook lists
 * them apart) are an event only when they differ from those stored.
 */
function sameRecord(before: string, after: string): boolean {
  if (before === after) return true
  const { participantsStatus: _was, ...was } = JSON.parse(before) as Message
  const { participantsStatus: _is, ...is } = JSON.parse(after) as Message
  return JSON.stringify(was) === JSON.stringify(is)
}

function contactsOf(message: Message): string[] {
  const ids = new Set<string>()
  for (const p of message.participants) if (p.contactId !== null) ids.add(p.contactId)
  if (message.author?.contactId != null) ids.add(message.author.contactId)
  return [...ids]
}

export class MessageRecords {
  readonly #store: StoreDb

  constructor(store: StoreDb) {
    this.#store = store
  }

  /**
   * Stores messages as read or written. `participantsLoaded: false` (a BatchBook list page,
   * which has none) keeps the participants already stored; they are read again in the
   * background when the record changed since.
   */
  async upsert(
    messages: readonly Message[],
    participantsLoaded: boolean,
    origin: EventOrigin | null = null,
  ): Promise<void> {
    if (messages.length === 0) return
    const { db } = this.#store
    const now = isoNow(this.#store.clock)
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < messages.length; i += CHUNK) {
        const chunk = messages.slice(i, i + CHUNK)
        const kept = new Map<
          string,
          { participants: Participant[]; author: Participant | null; loaded: boolean; known: boolean }
        >()
        const before = new Map<string, string>()
        const existing = await trx
          .selectFrom('messages')
          .select(['id', 'doc', 'participants_loaded', 'participants_known', 'updated_at'])
          .where(
            'id',
            'in',
            chunk.map((m) => m.id),
          )
          .execute()
        for (const row of existing) {
          before.set(row.id, row.doc)
          if (participantsLoaded) continue
          const old = JSON.parse(row.doc) as Message
          const update = chunk.find((m) => m.id === row.id)
          kept.set(row.id, {
            participants: old.participants,
            author: old.author,
            loaded: row.participants_loaded === 1 && update?.updatedAt === row.updated_at,
            known: row.participants_known === 1,
          })
        }
        // The documents as stored, beside their rows: contacts and events read them, not the JSON.
        const stored = chunk.map((original) => {
          const { remote: _remote, warnings: _warnings, ...message } = original
          const old = kept.get(message.id)
          if (old !== undefined && message.participants.length === 0) {
            message.participants = old.participants
            message.author = message.author ?? old.author
          }
          return message
        })
        const rows = stored.map((message) => {
          const old = kept.get(message.id)
          const loaded = participantsLoaded || old?.loaded === true
          // The document says what the column says: served as it is, it must not claim more.
          message.participantsStatus = loaded ? 'complete' : 'pending'
          return {
            id: message.id,
            connection: message.connection,
            source: message.source,
            remote_id: message.remoteId,
            conversation_id: message.conversationId,
            kind: message.kind,
            sent_at: iso(message.sentAt),
            created_at: iso(message.createdAt),
            updated_at: iso(message.updatedAt),
            search_text: [message.subject ?? '', message.body.text].join('\n'),
            participants_loaded: loaded ? 1 : 0,
            participants_known: loaded || old?.known === true ? 1 : 0,
            synced_at: now,
            doc: JSON.stringify(message),
          }
        })
        await trx
          .insertInto('messages')
          .values(rows)
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              conversation_id: eb.ref('excluded.conversation_id'),
              kind: eb.ref('excluded.kind'),
              sent_at: eb.ref('excluded.sent_at'),
              created_at: eb.ref('excluded.created_at'),
              updated_at: eb.ref('excluded.updated_at'),
              search_text: eb.ref('excluded.search_text'),
              participants_loaded: eb.ref('excluded.participants_loaded'),
              participants_known: eb.ref('excluded.participants_known'),
              synced_at: eb.ref('excluded.synced_at'),
              doc: eb.ref('excluded.doc'),
            })),
          )
          .execute()
        const ids = chunk.map((m) => m.id)
        await trx.deleteFrom('message_contacts').where('message_id', 'in', ids).execute()
        const links = stored.flatMap((message) =>
          contactsOf(message).map((contact_id) => ({ message_id: message.id, contact_id })),
        )
        if (links.length > 0) await trx.insertInto('message_contacts').values(links).execute()
        if (origin === null) continue
        const changes: NewEvent[] = []
        rows.forEach((row, i) => {
          const old = before.get(row.id)
          if (old !== undefined && sameRecord(old, row.doc)) return
          changes.push({
            type: old === undefined ? 'message.created' : 'message.updated',
            connection: row.connection,
            recordId: row.id,
            origin,
            object: stored[i],
          })
        })
        await appendEvents(trx, this.#store, changes)
      }
    })
  }

  async get(id: string): Promise<StoredMessage | undefined> {
    const row = await this.#store.db
      .selectFrom('messages')
      .select(['doc', 'participants_loaded', 'participants_known'])
      .where('id', '=', id)
      .executeTakeFirst()
    return row === undefined
      ? undefined
      : new StoredMessage(row.doc, row.participants_loaded === 1, row.participants_known === 1)
  }

  /** One page of the timeline: `limit` messages newest first after `after`, and one more if there is one. */
  async list(query: StoredMessageQuery): Promise<Message[]> {
    return (await this.listStored(query)).map((row) => JSON.parse(row.json) as Message)
  }

  /** `list`, as stored: each message's JSON and timeline position, unparsed. */
  async listStored(query: StoredMessageQuery): Promise<StoredTimelineRow[]> {
    if (query.connections.length === 0) return []
    const { db } = this.#store
    const f = query.filters
    // With a contact, the page is read from that contact's messages (through the contacts
    // index) rather than along the timeline: SQLite's planner otherwise walks the connection's
    // whole timeline testing each message against the contact (over 100 ms a page at 100,000
    // messages; about 2 ms this way). In SQLite a CROSS JOIN keeps the tables in the order
    // written; PostgreSQL plans it as any inner join.
    const from =
      f.contactId === undefined
        ? db.selectFrom('messages')
        : (db
            .selectFrom('message_contacts')
            .crossJoin('messages')
            .whereRef('messages.id', '=', 'message_contacts.message_id')
            .where('message_contacts.contact_id', '=', f.contactId) as unknown as SelectQueryBuilder<
            StoreTables,
            'messages',
            object
          >)
    let select = from.select(['doc', 'sent_at', 'id']).where('connection', 'in', query.connections)
    if (f.kind !== undefined) select = select.where('kind', '=', f.kind)
    if (f.conversationId !== undefined) select = select.where('conversation_id', '=', f.conversationId)
    if (f.createdSince !== undefined) select = select.where('created_at', '>=', iso(f.createdSince))
    if (f.createdBefore !== undefined) select = select.where('created_at', '<', iso(f.createdBefore))
    if (f.updatedSince !== undefined) select = select.where('updated_at', '>=', iso(f.updatedSince))
    if (f.updatedBefore !== undefined) select = select.where('updated_at', '<', iso(f.updatedBefore))
    if (f.q !== undefined) {
      const match = this.#matches(f.q)
      if (match === null) return []
      select = select.where(match)
    }
    const after = query.after
    if (after !== null) {
      // A row-value comparison, not `sent_at < s OR (sent_at = s AND id < i)`: both stores read
      // it as one range of the timeline index, where the OR made SQLite scan and sort the rest
      // of the timeline (0.2 s a deep page at 100,000 messages).
      select = select.where((eb) => eb(eb.refTuple('sent_at', 'id'), '<', eb.tuple(after.sentAt, after.id)))
    }
    const rows = await select
      .orderBy('sent_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute()
    return rows.map((row) => ({ json: row.doc, sentAt: row.sent_at, id: row.id }))
  }

  /** The full-text condition, or null when the search has no words (nothing can match). */
  #matches(q: string): Expression<SqlBool> | null {
    if (this.#store.dialect === 'postgres') {
      return q.trim() === '' ? null : sql<SqlBool>`search @@ plainto_tsquery('simple', ${q})`
    }
    const fts = ftsQuery(q)
    return fts === null
      ? null
      : sql<SqlBool>`messages.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ${fts})`
  }

  async remove(ids: readonly string[], origin: EventOrigin | null = null): Promise<void> {
    if (ids.length === 0) return
    await this.#store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = ids.slice(i, i + CHUNK)
        const gone = await trx
          .selectFrom('messages')
          .select(['id', 'connection', 'doc'])
          .where('id', 'in', chunk)
          .execute()
        await trx.deleteFrom('message_contacts').where('message_id', 'in', chunk).execute()
        await trx.deleteFrom('messages').where('id', 'in', chunk).execute()
        if (origin === null) continue
        await appendEvents(
          trx,
          this.#store,
          gone.map((row) => ({
            type: 'message.deleted' as const,
            connection: row.connection,
            recordId: row.id,
            origin,
            object: JSON.parse(row.doc),
          })),
        )
      }
    })
  }

  /** The ids of a conversation's messages (to forget them with it, or to find the removed ones). */
  async idsOfConversation(conversationId: string): Promise<string[]> {
    const rows = await this.#store.db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conversationId)
      .execute()
    return rows.map((r) => r.id)
  }

  /** Removes the connection's messages no sync or write saw since `before` (the reconcile pass's sweep). */
  async removeUnseen(connection: string, before: string, origin: EventOrigin | null): Promise<number> {
    const rows = await this.#store.db
      .selectFrom('messages')
      .select('id')
      .where('connection', '=', connection)
      .where('synced_at', '<', before)
      .execute()
    await this.remove(
      rows.map((r) => r.id),
      origin,
    )
    return rows.length
  }

  /** Changes a stored message in place (a write through the gateway to one of its parts); false when not stored. */
  async patch(id: string, change: (message: Message) => void, origin: EventOrigin): Promise<boolean> {
    const stored = await this.get(id)
    if (stored === undefined) return false
    const message = stored.message
    change(message)
    await this.upsert([message], stored.participantsLoaded, origin)
    return true
  }

  /**
   * Stores the participants read or written for a message. Read by the sync for the first time,
   * they complete the record, which is no change of it (no event, whatever else changed was
   * announced when the record was stored); read again after the record changed, or written,
   * they are a change when they differ from those stored.
   */
  async setParticipants(
    id: string,
    participants: Participant[],
    origin: EventOrigin | null,
  ): Promise<Message | undefined> {
    const stored = await this.get(id)
    if (stored === undefined) return undefined
    const change = origin === 'sync' && !stored.participantsKnown ? null : origin
    const message = {
      ...stored.message,
      participants,
      author: participants.find((p) => p.role === 'from') ?? stored.message.author,
    }
    await this.upsert([message], true, change)
    return message
  }

  /**
   * Messages whose participants were not read yet: first those a client asked for (in the order
   * asked), then the newest (the most likely to be asked for).
   */
  async pendingParticipants(connection: string, limit: number): Promise<Message[]> {
    const { db } = this.#store
    const wanted = await db
      .selectFrom('messages')
      .select('doc')
      .where('connection', '=', connection)
      .where('participants_loaded', '=', 0)
      .where('participants_wanted_at', 'is not', null)
      .orderBy('participants_wanted_at')
      .limit(limit)
      .execute()
    if (wanted.length >= limit) return wanted.map((row) => JSON.parse(row.doc) as Message)
    const newest = await db
      .selectFrom('messages')
      .select('doc')
      .where('connection', '=', connection)
      .where('participants_loaded', '=', 0)
      .orderBy('sent_at', 'desc')
      .limit(limit - wanted.length)
      .execute()
    return [...wanted, ...newest].map((row) => JSON.parse(row.doc) as Message)
  }

  /** A client read the message while its participants were pending: it goes to the front of the fill. */
  async wantParticipants(id: string): Promise<void> {
    await this.#store.db
      .updateTable('messages')
      .set({ participants_wanted_at: isoNow(this.#store.clock) })
      .where('id', '=', id)
      .where('participants_loaded', '=', 0)
      .where('participants_wanted_at', 'is', null)
      .execute()
  }

  /** The connection's messages whose participants are still to be read. */
  async countPendingParticipants(connection: string): Promise<number> {
    const row = await this.#store.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('connection', '=', connection)
      .where('participants_loaded', '=', 0)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  async count(connection: string): Promise<number> {
    const row = await this.#store.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('connection', '=', connection)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }
}
