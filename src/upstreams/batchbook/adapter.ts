/**
 * BatchBook communications behind the SourceAdapter interface: every operation of the
 * communications API (show, list, search, create, update, destroy, participants, tags,
 * comments), each call through the engine. Reads cache the decoded records; mapping to the
 * normalized model happens per answer, so `?include=remote` can pass the record on.
 */
import { isoNow } from '../../clock.js'
import type { ConnectionConfig } from '../../config.js'
import { ProblemError, badUpstreamResponse, notFound, validationFailed } from '../../errors.js'
import { decodeIdFor, encodeId } from '../../ids.js'
import type { Comment, Message, Participant } from '../../schemas/message.js'
import type { BatchBookMessageInput, SnappyMessageInput } from '../../schemas/message-input.js'
import type {
  MessageFilters,
  MessagePage,
  MessagePageQuery,
  MessagePatch,
  MessageReadOptions,
  ParticipantRole,
  SourceAdapter,
} from '../adapter.js'
import type { UpstreamEngine } from '../engine.js'
import type { UpstreamResponse } from '../transport.js'
import { errorMessages, toComment, toMessage } from './mapping.js'
import { toParticipants } from './participants.js'
import { createdId, numericId } from './paths.js'
import { InFlight } from '../in-flight.js'
import { BATCHBOOK_PAGE_SIZE, BATCHBOOK_PATHS as paths, formatBatchBookDate } from './wire.js'
import { buildTagXml, buildTagsXml, buildXml } from './xml-builder.js'
import { type XmlObject, type XmlValue, XmlDecodeError, asArray, asObject, decodeXml } from './xml.js'

const XML_HEADERS = { accept: 'application/xml', 'content-type': 'application/xml; charset=utf-8' }
const ACCEPT_XML = { accept: 'application/xml' }
const LIST_TAG = 'communications'
const recordTag = (id: string) => `communication:${id}`
const participantsTag = (id: string) => `participants:${id}`

/** What is cached of a communication: its message (without participants) and its decoded record. */
interface Mapped {
  message: Message
  record: XmlObject
}

export interface BatchBookAdapterOptions {
  maxDocumentBytes: number
}

export class BatchBookAdapter implements SourceAdapter {
  readonly connection: ConnectionConfig
  readonly engine: UpstreamEngine
  readonly #maxBytes: number
  readonly #freshReads = new InFlight<Message>()

  constructor(client: UpstreamEngine, options: BatchBookAdapterOptions) {
    this.engine = client
    this.connection = client.connection
    this.#maxBytes = options.maxDocumentBytes
  }

  /** List and search share one route; upstream pages of at most 10 are read until `limit` are in hand. */
  async listMessages(query: MessagePageQuery, options: MessageReadOptions): Promise<MessagePage> {
    const search = searchParameters(query.filters)
    const records: Mapped[] = []
    let offset = query.offset
    let exhausted = false
    while (records.length < query.limit) {
      const want = Math.min(query.pageSize ?? BATCHBOOK_PAGE_SIZE, query.limit - records.length)
      const page = await this.engine.read(
        {
          method: 'GET',
          path: paths.communications.path(),
          query: { ...search, offset, limit: want },
          headers: ACCEPT_XML,
        },
        {
          kind: 'list',
          tags: [LIST_TAG],
          decode: (res) =>
            this.#decodeRoot(res, 'communications', (v) => asArray(v, 'communications').map((c) => this.#mapped(c))),
          describe: this.#describe,
          fresh: options.fresh === true,
        },
      )
      records.push(...page)
      offset += page.length
      if (page.length < want) {
        exhausted = true
        break
      }
    }
    const items = await Promise.all(
      records.map(async (record) => {
        const participants = options.expandParticipants ? await this.#participants(record.message.remoteId) : undefined
        return this.#message(record, { participants, includeRemote: options.includeRemote })
      }),
    )
    return { items, exhausted }
  }

  async getMessage(parts: readonly string[], options: MessageReadOptions): Promise<Message> {
    const id = numericId(parts[0], 'message')
    // A single message always comes with its participants: one more call, worth it for one record.
    const fresh = options.fresh === true
    const read = async () => {
      // Fresh, both calls go upstream: refused now rather than half done if both cannot be had.
      if (fresh) await this.engine.admitWork(2)
      const [record, participants] = await Promise.all([
        this.#record(id, fresh),
        this.#participants(id, undefined, fresh),
      ])
      return this.#message(record, { participants, includeRemote: options.includeRemote })
    }
    // Fresh reads of one record in flight together are one read of its two calls.
    return fresh ? this.#freshReads.share(`${id}|${options.includeRemote}`, read) : read()
  }

  /**
   * Creates the communication, then its participants and tags (one call for all tags), then
   * reads the record back once. Participants come from what was written, not from a read:
   * the write set them and nothing else has touched the new record (their `name` is null
   * until the participants are next read). Once the POST is accepted every later step runs
   * in the committed lane; a step that fails becomes a warning on the 201, never an error.
   */
  async createMessage(
    input: BatchBookMessageInput | SnappyMessageInput,
    options: MessageReadOptions,
  ): Promise<Message> {
    if (input.source !== 'batchbook') throw validationFailed('This connection takes BatchBook messages')
    // Every id is checked before the first upstream call, so a bad one writes nothing.
    const contacts = (input.participants ?? []).map((p) => ({
      contactId: numericId(decodeIdFor('contact', p.contactId, this.connection, 1)[0], 'contact'),
      contactRef: p.contactId,
      role: p.role,
    }))
    const sentAt = input.sentAt ?? isoNow(this.engine.clock)
    const res = await this.engine.write(
      {
        method: 'POST',
        path: paths.communications.path(),
        headers: XML_HEADERS,
        body: buildXml('communication', {
          subject: input.subject ?? '',
          body: input.body,
          date: formatBatchBookDate(sentAt),
          ctype: input.kind,
        }),
      },
      { invalidate: [LIST_TAG], describe: this.#describe },
    )
    const id = createdId(res.headers.location, 'communication')
    if (id === null) throw this.#badResponse(res, 'a created communication came back without a usable Location')
    this.engine.recordWritten(
      `/v1/messages/${encodeId('message', { source: 'batchbook', connection: this.connection.name, parts: [id] })}`,
    )

    const participants: Participant[] = []
    for (const { contactId, contactRef, role } of contacts) {
      const added = await this.#completing('participants', () => this.#addParticipant(id, contactId, role))
      if (added !== undefined)
        participants.push({ role, name: null, address: null, contactId: contactRef, kind: 'contact' })
    }
    const tags = input.tags ?? []
    const tagged =
      tags.length === 0 ||
      (await this.#completing('tags', () =>
        this.engine.write(
          { method: 'PUT', path: paths.addTag.path({ id }), headers: XML_HEADERS, body: buildTagsXml(tags) },
          { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe },
        ),
      )) !== undefined
    const record = await this.#completing('read-back', () => this.#record(id, true))
    if (record !== undefined) return this.#message(record, { participants, includeRemote: options.includeRemote })
    // The record could not be read back: answer with what was written.
    const now = isoNow(this.engine.clock)
    return {
      id: encodeId('message', { source: 'batchbook', connection: this.connection.name, parts: [id] }),
      source: 'batchbook',
      connection: this.connection.name,
      remoteId: id,
      conversationId: null,
      kind: input.kind,
      visibility: null,
      subject: input.subject ?? null,
      body: { text: input.body, html: null },
      sentAt: new Date(sentAt).toISOString(),
      createdAt: now,
      updatedAt: now,
      author: participants.find((p) => p.role === 'from') ?? null,
      participants,
      participantsStatus: 'complete',
      tags: tagged ? [...tags] : [],
      comments: [],
      attachments: [],
    }
  }

  async updateMessage(parts: readonly string[], patch: MessagePatch, options: MessageReadOptions): Promise<Message> {
    const id = numericId(parts[0], 'message')
    await this.engine.write(
      {
        method: 'PUT',
        path: paths.communication.path({ id }),
        headers: XML_HEADERS,
        body: buildXml('communication', {
          subject: patch.subject,
          body: patch.body,
          date: patch.sentAt === undefined ? undefined : formatBatchBookDate(patch.sentAt),
          ctype: patch.kind,
        }),
      },
      { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe },
    )
    // An update leaves the participants as they were: only the record is read again.
    const [record, participants] = await Promise.all([this.#record(id, true), this.#participants(id)])
    return this.#message(record, { participants, includeRemote: options.includeRemote })
  }

  async deleteMessage(parts: readonly string[]): Promise<void> {
    const id = numericId(parts[0], 'message')
    await this.engine.write(
      { method: 'DELETE', path: paths.communication.path({ id }), headers: ACCEPT_XML },
      { invalidate: [LIST_TAG, recordTag(id), participantsTag(id)], describe: this.#describe },
    )
  }

  async listParticipants(parts: readonly string[], role?: ParticipantRole): Promise<Participant[]> {
    return this.#participants(numericId(parts[0], 'message'), role)
  }

  async addParticipant(
    parts: readonly string[],
    contactParts: readonly string[],
    role: ParticipantRole,
  ): Promise<Participant[]> {
    const id = numericId(parts[0], 'message')
    await this.#addParticipant(id, numericId(contactParts[0], 'contact'), role)
    return this.#participants(id, undefined, true)
  }

  async removeParticipant(
    parts: readonly string[],
    contactParts: readonly string[],
    role: ParticipantRole,
  ): Promise<void> {
    const id = numericId(parts[0], 'message')
    await this.engine.write(
      {
        method: 'DELETE',
        path: paths.removeParticipant.path({ id }),
        query: { contact_id: numericId(contactParts[0], 'contact'), role },
        headers: ACCEPT_XML,
      },
      { invalidate: [participantsTag(id)], describe: this.#describe },
    )
  }

  async listTags(parts: readonly string[]): Promise<string[]> {
    const id = numericId(parts[0], 'message')
    return this.#message(await this.#record(id), {}).tags
  }

  /** The tags as the upstream has them now, after a write to them. */
  async #tagsAfterWrite(id: string): Promise<string[]> {
    return this.#message(await this.#record(id, true), {}).tags
  }

  async addTag(parts: readonly string[], tag: string): Promise<string[]> {
    const id = numericId(parts[0], 'message')
    await this.engine.write(
      { method: 'PUT', path: paths.addTag.path({ id }), headers: XML_HEADERS, body: buildTagXml(tag) },
      { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe },
    )
    return this.#tagsAfterWrite(id)
  }

  async removeTag(parts: readonly string[], tag: string): Promise<void> {
    const id = numericId(parts[0], 'message')
    await this.engine.write(
      { method: 'DELETE', path: paths.removeTag.path({ id }), headers: XML_HEADERS, body: buildTagXml(tag) },
      { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe },
    )
  }

  async listComments(parts: readonly string[]): Promise<Comment[]> {
    const id = numericId(parts[0], 'message')
    return this.#message(await this.#record(id), {}).comments
  }

  async addComment(parts: readonly string[], body: string): Promise<Comment> {
    const id = numericId(parts[0], 'message')
    const res = await this.engine.write(
      {
        method: 'POST',
        path: paths.comments.path({ id }),
        headers: XML_HEADERS,
        body: buildXml('comment', { comment: body }),
      },
      { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe },
    )
    const commentId = createdId(res.headers.location, 'comment')
    if (commentId === null) throw this.#badResponse(res, 'a created comment came back without a usable Location')
    return this.#comment(id, commentId, true)
  }

  async updateComment(parts: readonly string[], commentParts: readonly string[], body: string): Promise<Comment> {
    const [id, commentId] = this.#commentIds(parts, commentParts)
    await this.engine.write(
      {
        method: 'PUT',
        path: paths.comment.path({ cid: commentId }),
        headers: XML_HEADERS,
        body: buildXml('comment', { comment: body }),
      },
      { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe },
    )
    return this.#comment(id, commentId, true)
  }

  async deleteComment(parts: readonly string[], commentParts: readonly string[]): Promise<void> {
    const [id, commentId] = this.#commentIds(parts, commentParts)
    await this.engine.write(
      { method: 'DELETE', path: paths.comment.path({ cid: commentId }), headers: ACCEPT_XML },
      { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe },
    )
  }

  /** A cached record as a message: participants and the upstream record added as asked. */
  #message(mapped: Mapped, options: { participants?: Participant[] | undefined; includeRemote?: boolean }): Message {
    const message = { ...mapped.message }
    if (options.participants !== undefined) {
      message.participants = options.participants
      message.author = options.participants.find((p) => p.role === 'from') ?? null
      message.participantsStatus = 'complete'
    }
    // BatchBook records carry no credentials; the decoded record is passed on as it came.
    if (options.includeRemote === true) message.remote = { format: 'xml', data: mapped.record }
    return message
  }

  /** Mapping happens once, when the record is decoded; cache hits reuse it. */
  #mapped(value: XmlValue): Mapped {
    const record = asObject(value, 'communication')
    return { message: toMessage(record, this.connection.name), record }
  }

  /** `fresh`: the read-back after a write, which must see it (see `ReadOptions.fresh`). */
  #record(id: string, fresh = false): Promise<Mapped> {
    return this.engine.read(
      { method: 'GET', path: paths.communication.path({ id }), headers: ACCEPT_XML },
      {
        kind: 'record',
        tags: [recordTag(id)],
        decode: (res) => this.#decodeRoot(res, 'communication', (v) => this.#mapped(v)),
        describe: this.#describe,
        fresh,
      },
    )
  }

  /** Participants are cached apart from the record: only participant writes change them. */
  #participants(id: string, role?: ParticipantRole, fresh = false): Promise<Participant[]> {
    return this.engine.read(
      { method: 'GET', path: paths.participants.path({ id }), query: { role }, headers: ACCEPT_XML },
      {
        kind: 'record',
        tags: [participantsTag(id)],
        fresh,
        decode: (res) => this.#decodeRoot(res, 'participants', (v) => toParticipants(v, this.connection.name)),
        describe: this.#describe,
      },
    )
  }

  #addParticipant(id: string, contactId: string, role: ParticipantRole): Promise<UpstreamResponse> {
    // There is no XML root for this call (vendor doc): the parameters travel in the query string.
    return this.engine.write(
      {
        method: 'PUT',
        path: paths.addParticipant.path({ id }),
        query: { contact_id: contactId, role },
        headers: ACCEPT_XML,
      },
      { invalidate: [participantsTag(id)], describe: this.#describe },
    )
  }

  async #comment(id: string, commentId: string, fresh = false): Promise<Comment> {
    return this.engine.read(
      { method: 'GET', path: paths.comment.path({ cid: commentId }), headers: ACCEPT_XML },
      {
        fresh,
        kind: 'record',
        tags: [recordTag(id)],
        decode: (res) => this.#decodeRoot(res, 'mega_comment', (v) => toComment(v, this.connection.name, id)),
        describe: this.#describe,
      },
    )
  }

  /** A comment id carries its communication; it must be the message's own. */
  #commentIds(parts: readonly string[], commentParts: readonly string[]): [string, string] {
    const id = numericId(parts[0], 'message')
    if (commentParts[0] !== id) throw notFound('That comment does not belong to this message')
    return [id, numericId(commentParts[1], 'comment')]
  }

  /**
   * A step after an accepted write: its failure is reported as a warning on the write's 2xx
   * answer (and in the log line), never as the answer's status.
   */
  async #completing<T>(step: string, run: () => Promise<T>): Promise<T | undefined> {
    this.engine.beginStep(step)
    try {
      return await run()
    } catch (err) {
      if (!(err instanceof ProblemError)) throw err
      this.engine.warn({
        source: 'batchbook',
        connection: this.connection.name,
        step,
        code: err.code,
        detail: err.message,
      })
      return undefined
    }
  }

  #decodeRoot<T>(res: UpstreamResponse, root: string, read: (value: XmlValue) => T): T {
    const decoded = decodeXml(res.body, this.#maxBytes)
    if (decoded.root !== root) throw new XmlDecodeError(`expected <${root}>, got <${decoded.root}>`)
    return read(decoded.value)
  }

  readonly #describe = (res: UpstreamResponse): string | undefined => errorMessages(res.body, this.#maxBytes)

  #badResponse(res: UpstreamResponse, detail: string): ProblemError {
    return badUpstreamResponse(
      this.connection.name,
      'batchbook',
      res.status,
      `sent an answer that cannot be used: ${detail}`,
    )
  }
}

/** Search parameters in the upstream's names and its `Jul 01 13:37:38 UTC 2010` date form. */
function searchParameters(filters: MessageFilters): Record<string, string | undefined> {
  const date = (value: string | undefined) => (value === undefined ? undefined : formatBatchBookDate(value))
  return {
    ctype: filters.kind,
    contact_id: filters.contactParts === undefined ? undefined : numericId(filters.contactParts[0], 'contact'),
    created_since: date(filters.createdSince),
    created_before: date(filters.createdBefore),
    updated_since: date(filters.updatedSince),
    updated_before: date(filters.updatedBefore),
  }
}
