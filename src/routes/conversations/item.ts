/** One conversation (by id or nonce): read, delete, its messages, its tags and status. */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import {
  ConversationSchema,
  ConversationStatusInputSchema,
  ConversationTagsInputSchema,
  type ConversationStatusInput,
  type ConversationTagsInput,
} from '../../schemas/conversation.js'
import { MessageListSchema } from '../../schemas/message.js'
import { ref } from '../../schemas/ref.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import { ConversationRef, connectionQuery, pageQuery } from '../../schemas/snappy-common.js'
import { slicePage } from '../../upstreams/snappy/paging.js'
import type { Message } from '../../schemas/message.js'
import { conversationId } from '../../upstreams/snappy/mapping/tickets.js'
import { isNonce } from '../../upstreams/snappy/resource.js'
import { setDataAge } from '../../services/replica-reads.js'
import { readOrForget, writeThrough } from '../../services/replica-writes.js'
import { storeConversation, storedConversation } from '../../services/replica-conversations.js'

/** More notes than any ticket holds: a conversation's messages are read whole, then paged. */
const MAX_NOTES = 100_000

const Params = Type.Object({ id: ConversationRef }, { additionalProperties: false })
const include = Type.Optional(
  Type.Literal('remote', { description: '`remote` adds the sanitized upstream record as `remote`.' }),
)
const ItemQuery = Type.Object({ connection: Type.Optional(connectionQuery), include }, { additionalProperties: false })
const WriteQuery = Type.Object({ connection: Type.Optional(connectionQuery) }, { additionalProperties: false })
const MessagesQuery = Type.Object(
  { connection: Type.Optional(connectionQuery), include, ...pageQuery },
  { additionalProperties: false },
)

type P = Static<typeof Params>
const PROBLEMS = problemResponses(...UPSTREAM_PROBLEMS, 404, 405)

export default async function conversationItemRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: P; Querystring: Static<typeof ItemQuery> }>(
    '/v1/conversations/:id',
    {
      schema: {
        operationId: 'getConversation',
        summary: 'Get a conversation',
        description: 'A Snappy ticket, by conversation id or by its nonce.',
        tags: ['Conversations'],
        params: Params,
        querystring: ItemQuery,
        response: { 200: ref(ConversationSchema), ...PROBLEMS },
      },
    },
    async (request, reply) => {
      const { adapter, ref: ticket } = request.resolveConversation(request.params.id, request.query.connection)
      const noCache = /\bno-cache\b/i.test(request.headers['cache-control'] ?? '')
      const stored =
        request.query.include === undefined && !noCache ? await storedConversation(app, adapter, ticket) : null
      if (stored !== null) {
        await setDataAge(reply, app.replica, [adapter.connection.name])
        return stored.conversation
      }
      const includeRemote = request.query.include === 'remote'
      const conversation = await readOrForget(
        request,
        () => adapter.tickets.get(ticket, { includeRemote, fresh: noCache }),
        // By nonce the id is not known without the record: the sync's recheck finds it gone.
        (r) =>
          isNonce(ticket)
            ? Promise.resolve()
            : r.forgetConversation(conversationId(adapter.connection.name, ticket), 'sync'),
      )
      await storeConversation(request, conversation, 'sync')
      await setDataAge(reply, null, null)
      return conversation
    },
  )

  app.delete<{ Params: P; Querystring: Static<typeof WriteQuery> }>(
    '/v1/conversations/:id',
    {
      schema: {
        operationId: 'deleteConversation',
        summary: 'Delete a conversation',
        description: 'Deletes the ticket with its notes and attachments.',
        tags: ['Conversations'],
        params: Params,
        querystring: WriteQuery,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request, reply) => {
      const { adapter, ref: ticket } = request.resolveConversation(request.params.id, request.query.connection)
      // By nonce, the write learns the ticket's id first anyway (a cached read): the same one.
      const remoteId = isNonce(ticket) ? (await adapter.tickets.facts(ticket)).id : ticket
      await adapter.tickets.remove(ticket)
      const id = conversationId(adapter.connection.name, remoteId)
      await writeThrough(request, 'a conversation deleted', (r) => r.forgetConversation(id, 'switchboard'))
      return reply.code(204).send()
    },
  )

  app.get<{ Params: P; Querystring: Static<typeof MessagesQuery> }>(
    '/v1/conversations/:id/messages',
    {
      schema: {
        operationId: 'listConversationMessages',
        summary: 'List a conversation’s messages',
        description: 'The ticket’s notes as messages, newest first, each with the ticket’s tags.',
        tags: ['Conversations'],
        params: Params,
        querystring: MessagesQuery,
        response: { 200: ref(MessageListSchema), ...PROBLEMS },
      },
    },
    async (request, reply) => {
      const { adapter, ref: ticket } = request.resolveConversation(request.params.id, request.query.connection)
      const stored = request.query.include === undefined ? await storedConversation(app, adapter, ticket) : null
      let messages: Message[]
      if (stored !== null && stored.notesSignature !== null && app.replica !== null) {
        await setDataAge(reply, app.replica, [adapter.connection.name])
        messages = await app.replica.messages.list({
          connections: [adapter.connection.name],
          filters: { conversationId: stored.conversation.id },
          after: null,
          limit: MAX_NOTES,
        })
      } else {
        messages = await adapter.tickets.notes(ticket, { includeRemote: request.query.include === 'remote' })
        await setDataAge(reply, null, null)
      }
      return slicePage(messages, 'conversation-messages', request.query.cursor, request.query.limit)
    },
  )

  app.put<{ Params: P; Querystring: Static<typeof WriteQuery>; Body: ConversationTagsInput }>(
    '/v1/conversations/:id/tags',
    {
      schema: {
        operationId: 'setConversationTags',
        summary: 'Replace a conversation’s tags',
        description: 'Sets the complete list of tags. A tag `@username` assigns the conversation to that staff member.',
        tags: ['Conversations'],
        params: Params,
        querystring: WriteQuery,
        body: ref(ConversationTagsInputSchema),
        response: { 200: ref(ConversationSchema), ...PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request) => {
      const { adapter, ref: ticket } = request.resolveConversation(request.params.id, request.query.connection)
      const conversation = await adapter.tickets.setTags(ticket, request.body.tags, { includeRemote: false })
      await storeConversation(request, conversation, 'switchboard')
      return conversation
    },
  )

  app.put<{ Params: P; Querystring: Static<typeof WriteQuery>; Body: ConversationStatusInput }>(
    '/v1/conversations/:id/status',
    {
      schema: {
        operationId: 'setConversationStatus',
        summary: 'Change a conversation’s status',
        description: 'Moves the ticket to `waiting`, `replied`, `followup` or `closed`.',
        tags: ['Conversations'],
        params: Params,
        querystring: WriteQuery,
        body: ref(ConversationStatusInputSchema),
        response: { 200: ref(ConversationSchema), ...PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request) => {
      const { adapter, ref: ticket } = request.resolveConversation(request.params.id, request.query.connection)
      const conversation = await adapter.tickets.setStatus(ticket, request.body.status, { includeRemote: false })
      await storeConversation(request, conversation, 'switchboard')
      return conversation
    },
  )
}
