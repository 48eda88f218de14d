import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { decodeTimelineCursor } from '../../cursor.js'
import { validationFailed } from '../../errors.js'
import { decodeId, idPattern } from '../../ids.js'
import { MessageKind, MessageListSchema, SourceName } from '../../schemas/message.js'
import { ref } from '../../schemas/ref.js'
import { DEFAULT_PAGE_SIZE, pageQuery } from '../../schemas/snappy-common.js'
import { UPSTREAM_PROBLEMS, problemResponses } from '../../schemas/responses.js'
import type { MessageFilters, StoredMessageFilters } from '../../records/messages.js'
import { send, wantsFresh } from '../../plugins/records.js'
import { ReadOptionsQuery } from './query.js'
import { CONTACT_ID_PARTS } from '../../plugins/connections.js'
import { CONNECTION_NAME_SOURCE } from '../../rules.js'

const DateTime = (description: string) => Type.Optional(Type.String({ format: 'date-time', description }))

const ListQuery = Type.Object(
  {
    source: Type.Optional(SourceName),
    connection: Type.Optional(Type.String({ pattern: CONNECTION_NAME_SOURCE, description: 'Only this connection.' })),
    kind: Type.Optional(MessageKind),
    conversation: Type.Optional(
      Type.String({ pattern: idPattern('conversation'), description: 'Only messages of this conversation (Snappy).' }),
    ),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        description:
          'Words that must all occur in the subject or body text (full-text, no stemming). Served by the synced replica; `503 replica_not_ready` until its backfill is done.',
      }),
    ),
    contact: Type.Optional(
      Type.String({ pattern: idPattern('contact'), description: 'Only messages this contact takes part in.' }),
    ),
    createdSince: DateTime('Created at or after this instant.'),
    createdBefore: DateTime('Created before this instant.'),
    updatedSince: DateTime('Updated at or after this instant.'),
    updatedBefore: DateTime('Updated before this instant.'),
    limit: pageQuery.limit,
    cursor: Type.Optional(Type.String({ maxLength: 2048, description: 'The `nextCursor` of the previous page.' })),
    ...ReadOptionsQuery,
  },
  { additionalProperties: false },
)
type ListQueryType = Static<typeof ListQuery>

export default async function listMessagesRoute(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: ListQueryType }>(
    '/v1/messages',
    {
      schema: {
        operationId: 'listMessages',
        summary: 'List messages, newest first',
        description:
          'Messages of every connection the key may use, merged newest first by `sentAt`. ' +
          'BatchBook is read in upstream pages of 10 at one request per second, so large pages of BatchBook messages take seconds when not cached. ' +
          'When one connection fails while another answers, the page is served with `warnings` and the cursor resumes the failed connection later.',
        tags: ['Messages'],
        querystring: ListQuery,
        response: { 200: ref(MessageListSchema), ...problemResponses(...UPSTREAM_PROBLEMS) },
      },
    },
    async (request, reply) => {
      const query = request.query
      // A filter that names a connection (directly, or through a contact or conversation id) narrows to it.
      let only = query.connection
      const narrow = (connection: string) => {
        if (only !== undefined && only !== connection) {
          throw validationFailed('The filters name different connections; no message can match them all')
        }
        only = connection
      }
      const filters: MessageFilters = {}
      if (query.kind !== undefined) filters.kind = query.kind
      if (query.contact !== undefined) {
        const contact = decodeId('contact', query.contact, CONTACT_ID_PARTS)
        narrow(contact.connection)
        filters.contactParts = contact.parts
      }
      if (query.conversation !== undefined) {
        const conversation = decodeId('conversation', query.conversation, { batchbook: 1, snappy: 1 })
        narrow(conversation.connection)
        filters.conversationParts = conversation.parts
      }
      if (query.createdSince !== undefined) filters.createdSince = query.createdSince
      if (query.createdBefore !== undefined) filters.createdBefore = query.createdBefore
      if (query.updatedSince !== undefined) filters.updatedSince = query.updatedSince
      if (query.updatedBefore !== undefined) filters.updatedBefore = query.updatedBefore

      const adapters = (
        only === undefined
          ? request.usableConnections(query.source)
          : [request.namedConnection(only, 'querystring/connection')]
      )
        .filter((a) => query.source === undefined || a.connection.source === query.source)
        // Conversations are Snappy's: a conversation filter leaves BatchBook out.
        .filter((a) => query.conversation === undefined || a.connection.source === 'snappy')
      const answer = await app.records.messages.list({
        adapters,
        filters,
        stored: storedFilters(query),
        cursor: query.cursor === undefined ? null : decodeTimelineCursor(query.cursor),
        limit: query.limit ?? DEFAULT_PAGE_SIZE,
        needsParticipants: query.contact !== undefined,
        fresh: wantsFresh(request),
        ...(query.include === undefined ? {} : { include: query.include }),
        ...(query.expand === undefined ? {} : { expand: query.expand }),
      })
      return send(reply, answer)
    },
  )
}

/** The filters in the store's terms: ids stay the opaque ids the records carry. */
function storedFilters(query: ListQueryType): StoredMessageFilters {
  const filters: StoredMessageFilters = {}
  if (query.kind !== undefined) filters.kind = query.kind
  if (query.contact !== undefined) filters.contactId = query.contact
  if (query.conversation !== undefined) filters.conversationId = query.conversation
  if (query.createdSince !== undefined) filters.createdSince = query.createdSince
  if (query.createdBefore !== undefined) filters.createdBefore = query.createdBefore
  if (query.updatedSince !== undefined) filters.updatedSince = query.updatedSince
  if (query.updatedBefore !== undefined) filters.updatedBefore = query.updatedBefore
  if (query.q !== undefined) filters.q = query.q
  return filters
}
