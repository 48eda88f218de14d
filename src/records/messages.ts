/**
 * Messages, wherever they are read from: the one owner of "store or upstream" for them, of
 * their write-through and of the events their writes append. A route names the message (its
 * target, checked against the key by the connections plugin) and shapes the answer; this
 * module decides the rest.
 */
import { type TimelineKey, type TimelineCursor, encodeTimelineKey } from '../cursor.js'
import { invalidCursor, replicaNotReady } from '../errors.js'
import type { Store } from '../store/index.js'
import type { StoredMessageFilters } from '../store/messages.js'
import { currentContext } from '../request-context.js'
import type { Comment, Message, Participant } from '../schemas/message.js'
import type {
  MessageFilters,
  MessagePatch,
  MessageReadOptions,
  ParticipantRole,
  SourceAdapter,
} from '../upstreams/adapter.js'
import type { BatchBookMessageInput, SnappyMessageInput } from '../schemas/message-input.js'
import { type Answer, upstreamAnswer } from './answer.js'
import { type Target, messageIdOf, operation } from './operation.js'
import { storeOr, storeServes } from './store-reads.js'
import { type TimelinePage, canList, listTimeline } from './timeline.js'
import type { WriteThrough } from './write-through.js'

export type { MessageFilters, StoredMessageFilters }

/** How a client asked to read: `fresh` (`Cache-Control: no-cache`) reads the upstream. */
export interface ReadMode {
  fresh: boolean
  include?: 'remote'
  expand?: 'participants'
}

/** `GET /v1/messages`: the connections asked, their filters in both forms, and the page. */
export interface TimelineRequest extends ReadMode {
  adapters: SourceAdapter[]
  /** The filters in upstream terms (ids decoded to upstream parts). */
  filters: MessageFilters
  /** The same filters in the store's terms (ids as the records carry them), with the search. */
  stored: StoredMessageFilters
  cursor: TimelineCursor | null
  limit: number
  /** A contact filter: the store answers only once every connection's participants are in. */
  needsParticipants: boolean
}

function readOptions(mode: Pick<ReadMode, 'include' | 'expand'>, single: boolean): MessageReadOptions {
  return { includeRemote: mode.include === 'remote', expandParticipants: single || mode.expand === 'participants' }
}

export class MessageRecords {
  readonly #store: Store | null
  readonly #writes: WriteThrough

  constructor(writes: WriteThrough) {
    this.#store = writes.store
    this.#writes = writes
  }

  /**
   * One message: from the store once its connection is backfilled (a BatchBook record whose
   * participants are not read yet is answered as it is, and goes to the front of the fill;
   * `expand=participants` reads them now), else from the upstream, kept in the store.
   */
  async read(target: Target, mode: ReadMode): Promise<Answer<Message>> {
    const { adapter, parts } = target
    const read = operation(adapter, 'getMessage', 'read messages')
    const id = messageIdOf(adapter, parts)
    const forget = (store: Store) => store.messages.remove([id], 'sync')
    const store = this.#store
    const connections = [adapter.connection.name]
    if (store !== null && mode.include === undefined && !mode.fresh && (await storeServes(store, connections))) {
      // The store gone away meanwhile: the upstream answers instead.
      const stored = await storeOr(
        () => store.messages.get(id),
        async () => undefined,
      )
      if (stored !== undefined) {
        const dataAge = await store.dataAge(connections)
        const listParticipants = adapter.listParticipants
        if (stored.participantsLoaded || listParticipants === undefined) return { json: stored.json, dataAge }
        if (mode.expand !== 'participants') {
          // Never wait for the fill: answered as it is, and this record is filled next (only an
          // ordering hint: a store that fails here changes nothing else).
          await store.messages.wantParticipants(id).catch(() => undefined)
          return { json: stored.json, dataAge }
        }
        // Asked for: read them now for this one record, and keep them.
        const participants = await this.#writes.readOrForget(() => listParticipants.call(adapter, parts), forget)
        const value = (await store.messages.setParticipants(id, participants, 'sync')) ?? stored.message
        return { value, dataAge }
      }
    }
    const message = await this.#writes.readOrForget(
      () => read(parts, { ...readOptions({ include: mode.include }, true), fresh: mode.fresh }),
      forget,
    )
    await this.#writes.apply('a read', (s) => s.messages.upsert([message], true, 'sync'))
    return upstreamAnswer(message)
  }

  /**
   * The timeline across connections, newest first. The store answers a walk it began, or a new
   * one once every connection is backfilled, never `include=remote` (it keeps Switchboard's
   * records, not the upstream's) nor a fresh read; a search is the store's alone.
   */
  async list(request: TimelineRequest): Promise<Answer<TimelinePage>> {
    const { cursor } = request
    const adapters = request.adapters.filter(canList)
    const names = adapters.map((a) => a.connection.name)
    const search = request.stored.q !== undefined
    // A search is the store's alone: a cursor of an upstream walk cannot go on with one.
    if (search && cursor !== null && !('store' in cursor))
      throw invalidCursor('This cursor belongs to a list without `q`; start the search without a cursor')
    const store = this.#store
    const fromStore =
      store !== null &&
      request.include === undefined &&
      (cursor === null
        ? (!request.fresh || search) &&
          (await storeServes(store, names, request.needsParticipants || request.expand === 'participants'))
        : 'store' in cursor)
    const fromUpstream = async (): Promise<Answer<TimelinePage>> => {
      if (search) {
        throw replicaNotReady(
          'Searching messages needs the synced replica of every connection asked, and a backfill is still running; retry later or narrow `connection`',
          30,
        )
      }
      return upstreamAnswer(
        await listTimeline(adapters, {
          cursor: cursor !== null && 'upstream' in cursor ? cursor.upstream : { positions: {}, done: [] },
          limit: request.limit,
          filters: request.filters,
          options: { ...readOptions(request, false), fresh: request.fresh },
        }),
      )
    }
    if (!fromStore || store === null) return fromUpstream()
    const read = async (): Promise<Answer<TimelinePage>> => {
      const after = cursor !== null && 'store' in cursor ? cursor.store : null
      const json = await storedPage(store, names, request.stored, after, request.limit)
      return { json, dataAge: await store.dataAge(names) }
    }
    // A walk begun in the store resumes there only: its cursor means nothing upstream.
    return cursor === null ? storeOr(read, fromUpstream) : read()
  }

  /** Creates a message upstream and keeps it; the steps that failed after the create ride along as `warnings`. */
  async create(adapter: SourceAdapter, input: BatchBookMessageInput | SnappyMessageInput, mode: ReadMode) {
    const create = operation(adapter, 'createMessage', 'create messages')
    const message = await create(input, readOptions(mode, true))
    // BatchBook's answer names the participants written without their names: the sync reads them.
    await this.#writes.apply('a create', (s) =>
      s.messages.upsert([message], message.source === 'snappy', 'switchboard'),
    )
    const warnings = currentContext()?.warnings ?? []
    if (warnings.length > 0) message.warnings = warnings
    return message
  }

  async update(target: Target, patch: MessagePatch, mode: ReadMode): Promise<Message> {
    const update = operation(target.adapter, 'updateMessage', 'edit messages')
    const message = await update(target.parts, patch, readOptions(mode, true))
    await this.#writes.apply('an update', (s) => s.messages.upsert([message], true, 'switchboard'))
    return message
  }

  async remove(target: Target): Promise<void> {
    await operation(target.adapter, 'deleteMessage', 'delete messages')(target.parts)
    const id = messageIdOf(target.adapter, target.parts)
    await this.#writes.apply('a deletion', (s) => s.messages.remove([id], 'switchboard'))
  }

  async listTags(target: Target): Promise<string[]> {
    return operation(target.adapter, 'listTags', 'list tags of messages')(target.parts)
  }

  async addTag(target: Target, tag: string): Promise<string[]> {
    const tags = await operation(target.adapter, 'addTag', 'tag messages')(target.parts, tag)
    await this.#patch(target, 'a tag added', (m) => (m.tags = tags))
    return tags
  }

  async removeTag(target: Target, tag: string): Promise<void> {
    await operation(target.adapter, 'removeTag', 'untag messages')(target.parts, tag)
    await this.#patch(target, 'a tag removed', (m) => (m.tags = m.tags.filter((t) => t !== tag)))
  }

  async listComments(target: Target): Promise<Comment[]> {
    return operation(target.adapter, 'listComments', 'comment on messages')(target.parts)
  }

  async addComment(target: Target, body: string): Promise<Comment> {
    const comment = await operation(target.adapter, 'addComment', 'comment on messages')(target.parts, body)
    await this.#patch(target, 'a comment added', (m) => {
      m.comments = [...m.comments.filter((c) => c.id !== comment.id), comment]
    })
    return comment
  }

  async updateComment(target: Target, commentParts: readonly string[], body: string): Promise<Comment> {
    const update = operation(target.adapter, 'updateComment', 'comment on messages')
    const comment = await update(target.parts, commentParts, body)
    await this.#patch(target, 'a comment changed', (m) => {
      m.comments = m.comments.map((c) => (c.id === comment.id ? comment : c))
    })
    return comment
  }

  async removeComment(target: Target, commentParts: readonly string[], commentId: string): Promise<void> {
    await operation(target.adapter, 'deleteComment', 'comment on messages')(target.parts, commentParts)
    await this.#patch(target, 'a comment removed', (m) => {
      m.comments = m.comments.filter((c) => c.id !== commentId)
    })
  }

  async listParticipants(target: Target, role?: ParticipantRole): Promise<Participant[]> {
    return operation(target.adapter, 'listParticipants', 'list participants')(target.parts, role)
  }

  async addParticipant(target: Target, contactParts: readonly string[], role: ParticipantRole) {
    const add = operation(target.adapter, 'addParticipant', 'change participants')
    const participants = await add(target.parts, contactParts, role)
    const id = messageIdOf(target.adapter, target.parts)
    await this.#writes.apply('a participant added', (s) => s.messages.setParticipants(id, participants, 'switchboard'))
    return participants
  }

  async removeParticipant(target: Target, contactParts: readonly string[], contactId: string, role: ParticipantRole) {
    await operation(target.adapter, 'removeParticipant', 'change participants')(target.parts, contactParts, role)
    await this.#patch(target, 'a participant removed', (m) => {
      m.participants = m.participants.filter((p) => p.contactId !== contactId || p.role !== role)
      if (m.author?.contactId === contactId && role === 'from') m.author = null
    })
  }

  /** Changes the stored message after a write to one of its parts. */
  async #patch(target: Target, what: string, change: (message: Message) => void): Promise<void> {
    const id = messageIdOf(target.adapter, target.parts)
    await this.#writes.apply(what, (s) => s.messages.patch(id, change, 'switchboard'))
  }
}

/**
 * One page of the timeline from the store, newest first, resumed after `(sentAt, id)`: the
 * `MessageList` JSON, assembled from the stored messages as they are.
 */
async function storedPage(
  store: Store,
  connections: readonly string[],
  filters: StoredMessageFilters,
  after: TimelineKey | null,
  limit: number,
): Promise<string> {
  const rows = await store.messages.listStored({ connections, filters, after, limit })
  const more = rows.length > limit
  if (more) rows.length = limit
  const last = rows.at(-1)
  const nextCursor = more && last !== undefined ? encodeTimelineKey({ sentAt: last.sentAt, id: last.id }) : null
  let data = ''
  for (const row of rows) data += data === '' ? row.json : `,${row.json}`
  return `{"data":[${data}],"nextCursor":${JSON.stringify(nextCursor)}}`
}
