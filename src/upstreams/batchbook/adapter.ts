/**
 * BatchBook communications behind the SourceAdapter interface: every operation of the
 * communications API (show, list, search, create, update, destroy, participants, tags,
 * comments), each call through the engine. Reads cache the decoded records; mapping to the
 * normalized model happens per answer, so `?include=remote` can pass the record on.
 */
import type { ConnectionConfig } from '../../config.js'
import { ProblemError } from '../../errors.js'
import { decodeIdFor } from '../../ids.js'
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
import type { UpstreamClient } from '../client.js'
import type { UpstreamResponse } from '../transport.js'
import { formatBatchBookDate } from './dates.js'
import { errorMessages, toComment, toMessage } from './mapping.js'
import { toParticipants } from './participants.js'
import { createdId, numericId, paths } from './paths.js'
import { buildTagXml, buildTagsXml, buildXml } from './xml-builder.js'
import { type XmlObject, type XmlValue, XmlDecodeError, asArray, asObject, decodeXml } from './xml.js'

/** BatchBook's documented default page size; a larger maximum is not documented. */
export const BATCHBOOK_PAGE_SIZE = 10

const XML_HEADERS = { accept: 'application/xml', 'content-type': 'application/xml; charset=utf-8' }
const ACCEPT_XML = { accept: 'application/xml' }
const LIST_TAG = 'communications'
const recordTag = (id: string) => `communication:${id}`

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
  readonly client: UpstreamClient
  readonly #maxBytes: number

  constructor(client: UpstreamClient, options: BatchBookAdapterOptions) {
    this.client = client
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
      const want = Math.min(BATCHBOOK_PAGE_SIZE, query.limit - records.length)
      const page = await this.client.read(
        { method: 'GET', path: paths.communications, query: { ...search, offset, limit: want }, headers: ACCEPT_XML },
        { kind: 'list', tags: [LIST_TAG], decode: (res) => this.#decodeRoot(res, 'communications', (v) => asArray(v, 'communications').map((c) => this.#mapped(c))), describe: this.#describe },
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
    const [record, participants] = await Promise.all([this.#record(id), this.#participants(id)])
    return this.#message(record, { participants, includeRemote: options.includeRemote })
  }

  async createMessage(input: BatchBookMessageInput | SnappyMessageInput, options: MessageReadOptions): Promise<Message> {
    if (input.source !== 'batchbook') throw new ProblemError('validation_failed', 'This connection takes BatchBook messages')
    // Every id is checked before the first upstream call, so a bad one writes nothing.
    const contacts = (input.participants ?? []).map((p) => ({
      contactId: numericId(decodeIdFor('contact', p.contactId, this.connection, 1)[0], 'contact'),
      role: p.role,
    }))
    const res = await this.client.write(
      {
        method: 'POST',
        path: paths.communications,
        headers: XML_HEADERS,
        body: buildXml('communication', {
          subject: input.subject ?? '',
          body: input.body,
          date: formatBatchBookDate(input.sentAt ?? new Date()),
          ctype: input.kind,
        }),
      },
      { invalidate: [LIST_TAG], describe: this.#describe },
    )
    const id = createdId(res.headers.location, 'communication')
    if (id === null) throw this.#badResponse(res, 'a created communication came back without a usable Location')
    try {
      for (const { contactId, role } of contacts) await this.#addParticipant(id, contactId, role)
      if (input.tags !== undefined && input.tags.length > 0) {
        await this.client.write(
          { method: 'PUT', path: paths.addTag(id), headers: XML_HEADERS, body: buildTagsXml(input.tags) },
          { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe },
        )
      }
      return await this.getMessage([id], options)
    } catch (err) {
      throw partiallyCreated(err, id)
    }
  }

  async updateMessage(parts: readonly string[], patch: MessagePatch, options: MessageReadOptions): Promise<Message> {
    const id = numericId(parts[0], 'message')
    await this.client.write(
      {
        method: 'PUT',
        path: paths.communication(id),
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
    return this.getMessage([id], options)
  }

  async deleteMessage(parts: readonly string[]): Promise<void> {
    const id = numericId(parts[0], 'message')
    await this.client.write({ method: 'DELETE', path: paths.communication(id), headers: ACCEPT_XML }, { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe })
  }

  async listParticipants(parts: readonly string[], role?: ParticipantRole): Promise<Participant[]> {
    return this.#participants(numericId(parts[0], 'message'), role)
  }

  async addParticipant(parts: readonly string[], contactParts: readonly string[], role: ParticipantRole): Promise<Participant[]> {
    const id = numericId(parts[0], 'message')
    await this.#addParticipant(id, numericId(contactParts[0], 'contact'), role)
    return this.#participants(id)
  }

  async removeParticipant(parts: readonly string[], contactParts: readonly string[], role: ParticipantRole): Promise<void> {
    const id = numericId(parts[0], 'message')
    await this.client.write(
      { method: 'DELETE', path: paths.removeParticipant(id), query: { contact_id: numericId(contactParts[0], 'contact'), role }, headers: ACCEPT_XML },
      { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe },
    )
  }

  async listTags(parts: readonly string[]): Promise<string[]> {
    const id = numericId(parts[0], 'message')
    return this.#message(await this.#record(id), {}).tags
  }

  async addTag(parts: readonly string[], tag: string): Promise<string[]> {
    const id = numericId(parts[0], 'message')
    await this.client.write(
      { method: 'PUT', path: paths.addTag(id), headers: XML_HEADERS, body: buildTagXml(tag) },
      { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe },
    )
    return this.listTags([id])
  }

  async removeTag(parts: readonly string[], tag: string): Promise<string[]> {
    const id = numericId(parts[0], 'message')
    await this.client.write(
      { method: 'DELETE', path: paths.removeTag(id), headers: XML_HEADERS, body: buildTagXml(tag) },
      { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe },
    )
    return this.listTags([id])
  }

  async listComments(parts: readonly string[]): Promise<Comment[]> {
    const id = numericId(parts[0], 'message')
    return this.#message(await this.#record(id), {}).comments
  }

  async addComment(parts: readonly string[], body: string): Promise<Comment> {
    const id = numericId(parts[0], 'message')
    const res = await this.client.write(
      { method: 'POST', path: paths.comments(id), headers: XML_HEADERS, body: buildXml('comment', { comment: body }) },
      { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe },
    )
    const commentId = createdId(res.headers.location, 'comment')
    if (commentId === null) throw this.#badResponse(res, 'a created comment came back without a usable Location')
    return this.#comment(id, commentId)
  }

  async updateComment(parts: readonly string[], commentParts: readonly string[], body: string): Promise<Comment> {
    const [id, commentId] = this.#commentIds(parts, commentParts)
    await this.client.write(
      { method: 'PUT', path: paths.comment(commentId), headers: XML_HEADERS, body: buildXml('comment', { comment: body }) },
      { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe },
    )
    return this.#comment(id, commentId)
  }

  async deleteComment(parts: readonly string[], commentParts: readonly string[]): Promise<void> {
    const [id, commentId] = this.#commentIds(parts, commentParts)
    await this.client.write({ method: 'DELETE', path: paths.comment(commentId), headers: ACCEPT_XML }, { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe })
  }

  /** A cached record as a message: participants and the upstream record added as asked. */
  #message(mapped: Mapped, options: { participants?: Participant[] | undefined; includeRemote?: boolean }): Message {
    const message = { ...mapped.message }
    if (options.participants !== undefined) {
      message.participants = options.participants
      message.author = options.participants.find((p) => p.role === 'from') ?? null
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

  #record(id: string): Promise<Mapped> {
    return this.client.read(
      { method: 'GET', path: paths.communication(id), headers: ACCEPT_XML },
      { kind: 'record', tags: [recordTag(id)], decode: (res) => this.#decodeRoot(res, 'communication', (v) => this.#mapped(v)), describe: this.#describe },
    )
  }

  #participants(id: string, role?: ParticipantRole): Promise<Participant[]> {
    return this.client.read(
      { method: 'GET', path: paths.participants(id), query: { role }, headers: ACCEPT_XML },
      {
        kind: 'record',
        tags: [recordTag(id)],
        decode: (res) => this.#decodeRoot(res, 'participants', (v) => toParticipants(v, this.connection.name)),
        describe: this.#describe,
      },
    )
  }

  #addParticipant(id: string, contactId: string, role: ParticipantRole): Promise<UpstreamResponse> {
    // There is no XML root for this call (vendor doc): the parameters travel in the query string.
    return this.client.write(
      { method: 'PUT', path: paths.addParticipant(id), query: { contact_id: contactId, role }, headers: ACCEPT_XML },
      { invalidate: [LIST_TAG, recordTag(id)], describe: this.#describe },
    )
  }

  async #comment(id: string, commentId: string): Promise<Comment> {
    return this.client.read(
      { method: 'GET', path: paths.comment(commentId), headers: ACCEPT_XML },
      {
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
    if (commentParts[0] !== id) throw new ProblemError('not_found', 'That comment does not belong to this message')
    return [id, numericId(commentParts[1], 'comment')]
  }

  #decodeRoot<T>(res: UpstreamResponse, root: string, read: (value: XmlValue) => T): T {
    const decoded = decodeXml(res.body, this.#maxBytes)
    if (decoded.root !== root) throw new XmlDecodeError(`expected <${root}>, got <${decoded.root}>`)
    return read(decoded.value)
  }

  readonly #describe = (res: UpstreamResponse): string | undefined => errorMessages(res.body, this.#maxBytes)

  #badResponse(res: UpstreamResponse, detail: string): ProblemError {
    return new ProblemError('upstream_bad_response', `${this.connection.name}: ${detail}`, { upstream: { source: 'batchbook', status: res.status } })
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

/** A follow-up step failed after the communication was created: say so, with its id. */
function partiallyCreated(err: unknown, id: string): unknown {
  if (!(err instanceof ProblemError)) return err
  return new ProblemError(err.code, `The communication was created upstream (id ${id}), but completing it failed: ${err.message}`, {
    status: err.status,
    ...(err.upstream === undefined ? {} : { upstream: err.upstream }),
    ...(err.retryAfter === undefined ? {} : { retryAfter: err.retryAfter }),
    cause: err,
  })
}
