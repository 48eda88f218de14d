import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { decodeTimelineCursor } from '../../cursor.js'
import { invalidCursor, replicaNotReady, validationFailed } from '../../errors.js'
import { decodeId, idPattern } from '../../ids.js'
import { MessageKind, MessageListSchema, SourceName } from '../../schemas/message.js'
import { ref } from '../../schemas/ref.js'
import { DEFAULT_PAGE_SIZE, pageQuery } from '../../schemas/snappy-common.js'
import { UPSTREAM_PROBLEMS, problemResponses } from '../../schemas/responses.js'
import { canList, listTimeline } from '../../services/message-timeline.js'
import {
  listReplicaTimeline,
  replicaOr,
  replicaServes,
  sendStoredJson,
  setDataAge,
} from '../../services/replica-reads.js'
import type { StoredMessageFilters } from '../../replica/messages.js'
import type { MessageFilters } from '../../upstreams/adapter.js'
import { ReadOptionsQuery, readOptions } from './query.js'
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
        .filter(canList)
      const cursor = query.cursor === undefined ? null : decodeTimelineCursor(query.cursor)
      // A search is the replica's alone: a cursor of an upstream walk cannot go on with one.
      if (query.q !== undefined && cursor !== null && !('replica' in cursor))
        throw invalidCursor('This cursor belongs to a list without `q`; start the search without a cursor')
      const names = adapters.map((a) => a.connection.name)
      const replica = app.replica
      // The replica answers a walk it began, or a new one once every connection is backfilled
      // (with their participants when a contact filter or `expand` needs them), but never
      // `include=remote`: it keeps Switchboard's records, not the upstream's.
      const fromReplica =
        replica !== null &&
        query.include === undefined &&
        (cursor === null
          ? await replicaServes(replica, names, query.contact !== undefined || query.expand === 'participants')
          : 'replica' in cursor)
      const fromUpstream = async (): Promise<unknown> => {
        if (query.q !== undefined) {
          throw replicaNotReady(
            'Searching messages needs the synced replica of every connection asked, and a backfill is still running; retry later or narrow `connection`',
            30,
          )
        }
        await setDataAge(reply, replica, null)
        return listTimeline(adapters, {
          cursor: cursor !== null && 'upstream' in cursor ? cursor.upstream : { positions: {}, done: [] },
          limit: query.limit ?? DEFAULT_PAGE_SIZE,
          filters,
          options: readOptions(query, false),
        })
      }
      if (!fromReplica) return fromUpstream()
      const fromStore = async (): Promise<unknown> => {
        const page = await listReplicaTimeline(replica, {
          connections: names,
          filters: storedFilters(query),
          after: cursor !== null && 'replica' in cursor ? cursor.replica : null,
          limit: query.limit ?? DEFAULT_PAGE_SIZE,
        })
        await setDataAge(reply, replica, names)
        return sendStoredJson(reply, page)
      }
      // A walk begun on the replica resumes there only: its cursor means nothing upstream.
      return cursor === null ? replicaOr(fromStore, fromUpstream) : fromStore()
    },
  )
}

/** The filters in the replica's terms: ids stay the opaque ids the records carry. */
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
