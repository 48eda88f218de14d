import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { MessageSchema } from '../../schemas/message.js'
import { MessagePatchSchema, type MessagePatchBody } from '../../schemas/message-parts.js'
import { ref } from '../../schemas/ref.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import { send, wantsFresh } from '../../plugins/records.js'
import { MessageIdParams, ReadOptionsQuery } from './query.js'

type Params = Static<typeof MessageIdParams>
const ItemQuery = Type.Object({ include: ReadOptionsQuery.include }, { additionalProperties: false })
type ItemQueryType = Static<typeof ItemQuery>
const ReadQuery = Type.Object(
  { include: ReadOptionsQuery.include, expand: ReadOptionsQuery.expand },
  { additionalProperties: false },
)
type ReadQueryType = Static<typeof ReadQuery>
const ITEM_PROBLEMS = problemResponses(...UPSTREAM_PROBLEMS, 404, 405)

export default async function messageItemRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: Params; Querystring: ReadQueryType }>(
    '/v1/messages/:id',
    {
      schema: {
        operationId: 'getMessage',
        summary: 'Get a message',
        description:
          'One message. Served by the synced replica once its connection is backfilled (`X-Data-Age` says how fresh), at once: a BatchBook record whose participants the sync has not read yet is answered with `participantsStatus: pending` and goes to the front of the sync’s fill; `expand=participants` reads them from the upstream now (one call, budget permitting). ' +
          '`Cache-Control: no-cache` reads the upstream (budget permitting) and updates the replica; identical reads in flight together share that read. ' +
          'From the upstream, a BatchBook message costs two calls (record and participants).',
        tags: ['Messages'],
        params: MessageIdParams,
        querystring: ReadQuery,
        response: { 200: ref(MessageSchema), ...ITEM_PROBLEMS },
      },
    },
    async (request, reply) => {
      const target = request.resolveMessage(request.params.id)
      const { include, expand } = request.query
      return send(reply, await app.records.messages.read(target, { fresh: wantsFresh(request), include, expand }))
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
    async (request) =>
      app.records.messages.update(request.resolveMessage(request.params.id), request.body, {
        fresh: true,
        ...request.query,
      }),
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
      await app.records.messages.remove(request.resolveMessage(request.params.id))
      return reply.code(204).send()
    },
  )
}
