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
import { slicePage } from '../../cursor.js'
import { send, wantsFresh } from '../../plugins/records.js'

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
      const target = request.resolveConversation(request.params.id, request.query.connection)
      const mode = { fresh: wantsFresh(request), includeRemote: request.query.include === 'remote' }
      return send(reply, await app.records.conversations.read(target, mode))
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
      await app.records.conversations.remove(request.resolveConversation(request.params.id, request.query.connection))
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
      const target = request.resolveConversation(request.params.id, request.query.connection)
      const mode = { fresh: wantsFresh(request), includeRemote: request.query.include === 'remote' }
      const messages = send(reply, await app.records.conversations.messages(target, mode))
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
      const target = request.resolveConversation(request.params.id, request.query.connection)
      return app.records.conversations.setTags(target, request.body.tags)
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
      const target = request.resolveConversation(request.params.id, request.query.connection)
      return app.records.conversations.setStatus(target, request.body.status)
    },
  )
}
