/**
 * Conversations (Snappy tickets) in the store, with the queues each was last seen in, read
 * longest waiting first as the queues are worked (oldest `lastReplyAt`, then id).
 */
import type { Conversation } from '../schemas/conversation.js'
import type { QueueName } from '../upstreams/snappy/tickets.js'
import type { Insertable, Kysely } from 'kysely'
import type { StoreDb } from './db.js'
import { type EventOrigin, appendEvents } from './events.js'
import type { StoreTables } from './tables.js'

/** Where a conversation was found: its account, and the queues it is in (none once it left them). */
export interface ConversationPlacement {
  account: string
  queues: readonly QueueName[]
}

export interface StoredConversation {
  conversation: Conversation
  account: string
  /** What its notes were last read at; null when they never were. */
  notesSignature: string | null
  queues: QueueName[]
}

export interface QueueQuery {
  connections: readonly string[]
  queue: QueueName
  /** Only these accounts (upstream ids) of a connection, when given. */
  account?: { connection: string; remoteId: string }
  /** A `mbx_…` id. */
  mailbox?: string
  after: { lastReplyAt: string; id: string } | null
  limit: number
}

const QUEUE_COLUMN = { waiting: 'in_waiting', inbox: 'in_inbox', yours: 'in_yours' } as const

/** What a conversation's notes depend on: a change in either means new or changed notes. */
export function notesSignature(conversation: Conversation): string {
  return `${conversation.updatedAt}|${conversation.lastReplyAt ?? ''}`
}

export class ConversationRecords {
  readonly #store: StoreDb

  constructor(store: StoreDb) {
    this.#store = store
  }

  async upsert(
    conversation: Conversation,
    placement: ConversationPlacement,
    origin: EventOrigin | null = null,
  ): Promise<void> {
    const { remote: _remote, ...doc } = conversation
    const row = {
      id: doc.id,
      connection: doc.connection,
      remote_id: doc.remoteId,
      account_remote_id: placement.account,
      mailbox_id: doc.mailboxId,
      in_waiting: placement.queues.includes('waiting') ? 1 : 0,
      in_inbox: placement.queues.includes('inbox') ? 1 : 0,
      in_yours: placement.queues.includes('yours') ? 1 : 0,
      last_reply_at: doc.lastReplyAt ?? '',
      created_at: doc.createdAt,
      updated_at: doc.updatedAt,
      signature: notesSignature(doc),
      notes_signature: null,
      doc: JSON.stringify(doc),
    }
    await this.#store.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('conversations').select('doc').where('id', '=', row.id).executeTakeFirst()
      await this.#write(trx, row)
      if (origin === null || before?.doc === row.doc) return
      await appendEvents(trx, this.#store, [
        {
          type: before === undefined ? 'conversation.created' : 'conversation.updated',
          connection: row.connection,
          recordId: row.id,
          origin,
          object: doc,
        },
      ])
    })
  }

  async #write(trx: Kysely<StoreTables>, row: Insertable<StoreTables['conversations']>): Promise<void> {
    await trx
      .insertInto('conversations')
      .values(row)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          account_remote_id: eb.ref('excluded.account_remote_id'),
          mailbox_id: eb.ref('excluded.mailbox_id'),
          in_waiting: eb.ref('excluded.in_waiting'),
          in_inbox: eb.ref('excluded.in_inbox'),
          in_yours: eb.ref('excluded.in_yours'),
          last_reply_at: eb.ref('excluded.last_reply_at'),
          created_at: eb.ref('excluded.created_at'),
          updated_at: eb.ref('excluded.updated_at'),
          signature: eb.ref('excluded.signature'),
          doc: eb.ref('excluded.doc'),
        })),
      )
      .execute()
  }

  /** Records that the conversation's notes were read as of this signature. */
  async notesRead(id: string, signature: string): Promise<void> {
    await this.#store.db.updateTable('conversations').set({ notes_signature: signature }).where('id', '=', id).execute()
  }

  async get(id: string): Promise<StoredConversation | undefined> {
    const row = await this.#store.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst()
    if (row === undefined) return undefined
    const queues = (['waiting', 'inbox', 'yours'] as const).filter((q) => row[QUEUE_COLUMN[q]] === 1)
    return {
      conversation: JSON.parse(row.doc) as Conversation,
      account: row.account_remote_id,
      notesSignature: row.notes_signature,
      queues,
    }
  }

  /** The conversations of an account that are in any queue, by id. */
  async inQueues(connection: string, account: string): Promise<Map<string, StoredConversation>> {
    const rows = await this.#store.db
      .selectFrom('conversations')
      .selectAll()
      .where('connection', '=', connection)
      .where('account_remote_id', '=', account)
      .where((eb) => eb.or([eb('in_waiting', '=', 1), eb('in_inbox', '=', 1), eb('in_yours', '=', 1)]))
      .execute()
    return new Map(
      rows.map((row) => [
        row.id,
        {
          conversation: JSON.parse(row.doc) as Conversation,
          account: row.account_remote_id,
          notesSignature: row.notes_signature,
          queues: (['waiting', 'inbox', 'yours'] as const).filter((q) => row[QUEUE_COLUMN[q]] === 1),
        },
      ]),
    )
  }

  /** A conversation in a queue whose notes were not read at its current state. */
  async dueForNotes(connection: string): Promise<Conversation | undefined> {
    const row = await this.#store.db
      .selectFrom('conversations')
      .select('doc')
      .where('connection', '=', connection)
      .where((eb) => eb.or([eb('in_waiting', '=', 1), eb('in_inbox', '=', 1), eb('in_yours', '=', 1)]))
      .where((eb) => eb.or([eb('notes_signature', 'is', null), eb('notes_signature', '<>', eb.ref('signature'))]))
      .limit(1)
      .executeTakeFirst()
    return row === undefined ? undefined : (JSON.parse(row.doc) as Conversation)
  }

  /**
   * Conversations in no queue not read by id since `before`, least recently checked first
   * (never checked before all).
   */
  async dueForRecheck(connection: string, before: string, limit: number): Promise<string[]> {
    const rows = await this.#store.db
      .selectFrom('conversations')
      .select('id')
      .where('connection', '=', connection)
      .where('in_waiting', '=', 0)
      .where('in_inbox', '=', 0)
      .where('in_yours', '=', 0)
      .where((eb) => eb(eb.fn.coalesce('checked_at', eb.val('')), '<', before))
      .orderBy((eb) => eb.fn.coalesce('checked_at', eb.val('')))
      .orderBy('id')
      .limit(limit)
      .execute()
    return rows.map((r) => r.id)
  }

  /** Records that the conversation was read by id at `at`. */
  async markChecked(id: string, at: string): Promise<void> {
    await this.#store.db.updateTable('conversations').set({ checked_at: at }).where('id', '=', id).execute()
  }

  /** One page of a queue, and one more conversation if there is one. */
  async listQueue(query: QueueQuery): Promise<Conversation[]> {
    if (query.connections.length === 0) return []
    let select = this.#store.db
      .selectFrom('conversations')
      .select('doc')
      .where('connection', 'in', query.connections)
      .where(QUEUE_COLUMN[query.queue], '=', 1)
    if (query.account !== undefined) {
      select = select
        .where('connection', '=', query.account.connection)
        .where('account_remote_id', '=', query.account.remoteId)
    }
    if (query.mailbox !== undefined) {
      select = select.where('mailbox_id', '=', query.mailbox)
    }
    const after = query.after
    if (after !== null) {
      // A row-value comparison: one index range in both stores (see messages.ts).
      select = select.where((eb) => eb(eb.refTuple('last_reply_at', 'id'), '>', eb.tuple(after.lastReplyAt, after.id)))
    }
    const rows = await select
      .orderBy('last_reply_at', 'asc')
      .orderBy('id', 'asc')
      .limit(query.limit + 1)
      .execute()
    return rows.map((row) => JSON.parse(row.doc) as Conversation)
  }

  async remove(id: string, origin: EventOrigin | null = null): Promise<void> {
    await this.#store.db.transaction().execute(async (trx) => {
      const gone = await trx
        .selectFrom('conversations')
        .select(['connection', 'doc'])
        .where('id', '=', id)
        .executeTakeFirst()
      await trx.deleteFrom('conversations').where('id', '=', id).execute()
      if (origin === null || gone === undefined) return
      await appendEvents(trx, this.#store, [
        {
          type: 'conversation.deleted',
          connection: gone.connection,
          recordId: id,
          origin,
          object: JSON.parse(gone.doc),
        },
      ])
    })
  }

  async count(connection: string): Promise<number> {
    const row = await this.#store.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('connection', '=', connection)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }
}
