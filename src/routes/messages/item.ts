import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { MessageSchema } from '../../schemas/message.js'
import { MessagePatchSchema, type MessagePatchBody } from '../../schemas/message-parts.js'
import { ref } from '../../schemas/ref.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import type { Replica } from '../../replica/index.js'
import { MessageIdParams, ReadOptionsQuery, readOptions } from './query.js'
import { messageIdOf, operation } from './operation.js'
import { replicaOr, replicaServes, sendStoredJson, setDataAge } from '../../services/replica-reads.js'
import { readOrForget, writeThrough } from '../../services/replica-writes.js'

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
      const { adapter, parts } = request.resolveMessage(request.params.id)
      const read = operation(adapter, 'getMessage', 'read messages')
      const id = messageIdOf(adapter, parts)
      const forget = (r: Replica) => r.messages.remove([id], 'sync')
      const replica = app.replica
      const noCache = /\bno-cache\b/i.test(request.headers['cache-control'] ?? '')
      const connection = [adapter.connection.name]
      if (
        replica !== null &&
        request.query.include === undefined &&
        !noCache &&
        (await replicaServes(replica, connection))
      ) {
        // The store gone away meanwhile: the upstream answers instead.
        const stored = await replicaOr(
          () => replica.messages.get(id),
          async () => undefined,
        )
        if (stored !== undefined) {
          await setDataAge(reply, replica, connection)
          const listParticipants = adapter.listParticipants
          if (stored.participantsLoaded || listParticipants === undefined) return sendStoredJson(reply, stored.json)
          if (request.query.expand !== 'participants') {
            // Never wait for the fill: answered as it is, and this record is filled next (only an
            // ordering hint: a store that fails here changes nothing else).
            await replica.messages.wantParticipants(id).catch(() => undefined)
            return sendStoredJson(reply, stored.json)
          }
          // Asked for: read them now for this one record, and keep them.
          const participants = await readOrForget(request, () => listParticipants.call(adapter, parts), forget)
          return (await replica.messages.setParticipants(id, participants, 'sync')) ?? stored.message
        }
      }
      const message = await readOrForget(
        request,
        () => read(parts, { ...readOptions({ include: request.query.include }, true), fresh: noCache }),
        forget,
      )
      await writeThrough(request, 'a read', (r) => r.messages.upsert([message], true, 'sync'))
      await setDataAge(reply, null, null)
      return message
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
      const update = operation(adapter, 'updateMessage', 'edit messages')
      const message = await update(parts, request.body, readOptions(request.query, true))
      await writeThrough(request, 'an update', (r) => r.messages.upsert([message], true, 'switchboard'))
      return message
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
      await writeThrough(request, 'a deletion', (r) => r.messages.remove([messageIdOf(adapter, parts)], 'switchboard'))
      return reply.code(204).send()
    },
  )
}
