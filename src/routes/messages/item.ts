import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { MessageSchema } from '../../schemas/message.js'
import { MessagePatchSchema, type MessagePatchBody } from '../../schemas/message-parts.js'
import { ref } from '../../schemas/ref.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import { MessageIdParams, ReadOptionsQuery, readOptions } from './query.js'
import { operation } from './operation.js'

type Params = Static<typeof MessageIdParams>
const ItemQuery = Type.Object({ include: ReadOptionsQuery.include }, { additionalProperties: false })
type ItemQueryType = Static<typeof ItemQuery>
const ITEM_PROBLEMS = problemResponses(...UPSTREAM_PROBLEMS, 404, 405)

export default async function messageItemRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: Params; Querystring: ItemQueryType }>(
    '/v1/messages/:id',
    {
      schema: {
        operationId: 'getMessage',
        summary: 'Get a message',
        description: 'One message with its participants (for BatchBook that is a second upstream call).',
        tags: ['Messages'],
        params: MessageIdParams,
        querystring: ItemQuery,
        response: { 200: ref(MessageSchema), ...ITEM_PROBLEMS },
      },
    },
    async (request) => {
      const { adapter, parts } = request.resolveMessage(request.params.id)
      return operation(adapter, 'getMessage', 'read messages')(parts, readOptions(request.query, true))
    },
  )

  app.patch<{ Params: Params; Querystring: ItemQueryType; Body: MessagePatchBody }>(
    '/v1/messages/:id',
    {
      schema: {
        operationId: 'updateMessage',
        summary: 'Update a message',
        description:
          'Changes the kind, subject, body or time of a BatchBook communication. Snappy notes cannot be edited (405).',
        tags: ['Messages'],
        params: MessageIdParams,
        querystring: ItemQuery,
        body: ref(MessagePatchSchema),
        response: { 200: ref(MessageSchema), ...ITEM_PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request) => {
      const { adapter, parts } = request.resolveMessage(request.params.id)
      return operation(adapter, 'updateMessage', 'edit messages')(parts, request.body, readOptions(request.query, true))
    },
  )

  app.delete<{ Params: Params }>(
    '/v1/messages/:id',
    {
      schema: {
        operationId: 'deleteMessage',
        summary: 'Delete a message',
        description:
          'Destroys a BatchBook communication. Snappy notes cannot be deleted (405); delete their conversation instead.',
        tags: ['Messages'],
        params: MessageIdParams,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...ITEM_PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request, reply) => {
      const { adapter, parts } = request.resolveMessage(request.params.id)
      await operation(adapter, 'deleteMessage', 'delete messages')(parts)
      return reply.code(204).send()
    },
  )
}
