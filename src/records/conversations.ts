/**
 * Conversations (Snappy tickets), wherever they are read from: the one owner of "store or
 * upstream" for them and of their write-through. A conversation named by nonce is the
 * upstream's to resolve (the store knows tickets by id).
 */
import { decodeId } from '../ids.js'
import type { EventOrigin } from '../store/events.js'
import type { Store } from '../store/index.js'
import type { StoredConversation } from '../store/conversations.js'
import type { Conversation, ConversationStatusInput } from '../schemas/conversation.js'
import type { Message } from '../schemas/message.js'
import type { SnappyAdapter } from '../upstreams/snappy/adapter.js'
import { conversationId } from '../upstreams/snappy/mapping/tickets.js'
import { isNonce } from '../upstreams/snappy/resource.js'
import { QUEUES, type QueueName } from '../upstreams/snappy/tickets.js'
import { type Answer, type Valued, upstreamAnswer } from './answer.js'
import { type ConversationPage, type ConversationScope, listConversations } from './conversation-list.js'
import { decodeQueueKey, listStoredQueue } from './queues.js'
import { storeOr, storeServes } from './store-reads.js'
import type { WriteThrough } from './write-through.js'

/** The queues a conversation list can show. */
export { QUEUES }

/** More notes than any ticket holds: a conversation's messages are read whole, then paged. */
const MAX_NOTES = 100_000

/** A conversation a request named: its connection's adapter and the ticket's id or nonce. */
export interface ConversationTarget {
  adapter: SnappyAdapter
  ref: string
}

export interface ConversationReadMode {
  fresh: boolean
  includeRemote: boolean
}

/** `GET /v1/conversations`: a queue (or a search) across the scopes the request spans. */
export interface ConversationListRequest extends ConversationReadMode {
  /** The connections asked, and their accounts or mailbox (read lazily: listing accounts costs calls). */
  connections: readonly string[]
  scopes: () => Promise<ConversationScope[]>
  queue: QueueName
  q: string | undefined
  account: { connection: string; remoteId: string } | undefined
  mailbox: string | undefined
  cursor: string | undefined
  limit: number
}

export class ConversationRecords {
  readonly #store: Store | null
  readonly #writes: WriteThrough

  constructor(writes: WriteThrough) {
    this.#store = writes.store
    this.#writes = writes
  }

  async read(target: ConversationTarget, mode: ConversationReadMode): Promise<Answer<Conversation>> {
    const { adapter, ref } = target
    if (!mode.includeRemote && !mode.fresh) {
      const stored = await this.#stored(target)
      if (stored !== null) return { value: stored.conversation, dataAge: await this.#age(adapter) }
    }
    const conversation = await this.#writes.readOrForget(
      () => adapter.tickets.get(ref, { includeRemote: mode.includeRemote, fresh: mode.fresh }),
      // By nonce the id is not known without the record: the sync's recheck finds it gone.
      (s) =>
        isNonce(ref) ? Promise.resolve() : s.forgetConversation(conversationId(adapter.connection.name, ref), 'sync'),
    )
    await this.#keep(conversation, 'sync')
    return upstreamAnswer(conversation)
  }

  /** The ticket's notes as messages, newest first: from the store once it holds them all. */
  async messages(target: ConversationTarget, mode: ConversationReadMode): Promise<Valued<Message[]>> {
    const { adapter, ref } = target
    const store = this.#store
    const stored = mode.includeRemote || mode.fresh ? null : await this.#stored(target)
    if (store !== null && stored !== null && stored.notesSignature !== null) {
      const value = await store.messages.list({
        connections: [adapter.connection.name],
        filters: { conversationId: stored.conversation.id },
        after: null,
        limit: MAX_NOTES,
      })
      return { value, dataAge: await this.#age(adapter) }
    }
    return upstreamAnswer(await adapter.tickets.notes(ref, { includeRemote: mode.includeRemote }))
  }

  /** A queue from the store once every connection asked is backfilled (a walk goes on the way it began); a search upstream. */
  async list(request: ConversationListRequest): Promise<Answer<ConversationPage>> {
    const { cursor, limit } = request
    const fromUpstream = async (): Promise<Answer<ConversationPage>> => {
      const query = request.q === undefined ? { queue: request.queue } : { q: request.q }
      const scopes = await request.scopes()
      return upstreamAnswer(
        await listConversations(scopes, query, limit, cursor, { includeRemote: request.includeRemote }),
      )
    }
    const store = this.#store
    if (store === null || request.q !== undefined || request.includeRemote) return fromUpstream()
    const names = request.connections
    const after = cursor === undefined ? undefined : decodeQueueKey(cursor)
    if (after === undefined && (cursor !== undefined || request.fresh || !(await storeServes(store, names))))
      return fromUpstream()
    const read = async (): Promise<Answer<ConversationPage>> => {
      const page = await listStoredQueue(store, {
        connections: names,
        queue: request.queue,
        ...(request.account === undefined ? {} : { account: request.account }),
        ...(request.mailbox === undefined ? {} : { mailbox: request.mailbox }),
        after: after ?? null,
        limit,
      })
      return { value: page, dataAge: await store.dataAge(names) }
    }
    return after === undefined ? storeOr(read, fromUpstream) : read()
  }

  async remove(target: ConversationTarget): Promise<void> {
    const { adapter, ref } = target
    // By nonce, the write learns the ticket's id first anyway (a cached read): the same one.
    const remoteId = isNonce(ref) ? (await adapter.tickets.facts(ref)).id : ref
    await adapter.tickets.remove(ref)
    const id = conversationId(adapter.connection.name, remoteId)
    await this.#writes.apply('a conversation deleted', (s) => s.forgetConversation(id, 'switchboard'))
  }

  async setTags(target: ConversationTarget, tags: string[]): Promise<Conversation> {
    const conversation = await target.adapter.tickets.setTags(target.ref, tags, { includeRemote: false })
    await this.#keep(conversation, 'switchboard')
    return conversation
  }

  async setStatus(target: ConversationTarget, status: ConversationStatusInput['status']): Promise<Conversation> {
    const conversation = await target.adapter.tickets.setStatus(target.ref, status, { includeRemote: false })
    await this.#keep(conversation, 'switchboard')
    return conversation
  }

  /** The stored conversation, when the store serves its connection and knows it by id. */
  async #stored(target: ConversationTarget): Promise<StoredConversation | null> {
    const store = this.#store
    const name = target.adapter.connection.name
    if (store === null || isNonce(target.ref) || !(await storeServes(store, [name]))) return null
    const id = conversationId(name, target.ref)
    // The store gone away meanwhile: the upstream answers instead.
    return (
      (await storeOr(
        () => store.conversations.get(id),
        async () => undefined,
      )) ?? null
    )
  }

  async #age(adapter: SnappyAdapter): Promise<number> {
    return this.#store === null ? 0 : this.#store.dataAge([adapter.connection.name])
  }

  /**
   * Keeps a conversation read or written through the gateway. Its account and queues stay as
   * the sync last saw them (a status change may move it out of a queue: the next pass says).
   */
  async #keep(conversation: Conversation, origin: EventOrigin): Promise<void> {
    await this.#writes.apply('a conversation', async (store) => {
      const stored = await store.conversations.get(conversation.id)
      // A mailbox id carries its account.
      const account = stored?.account ?? decodeId('mailbox', conversation.mailboxId, 2).parts[0]
      if (account === undefined) return
      await store.conversations.upsert(conversation, { account, queues: stored?.queues ?? [] }, origin)
    })
  }
}
