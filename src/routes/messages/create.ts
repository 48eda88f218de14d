import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { writeThrough } from '../../services/replica-writes.js'
import { currentContext } from '../../request-context.js'
import { MessageSchema } from '../../schemas/message.js'
import { MessageInputSchema, type BatchBookMessageInput, type SnappyMessageInput } from '../../schemas/message-input.js'
import { IdempotencyHeaders } from '../../schemas/idempotency.js'
import { ref } from '../../schemas/ref.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import { ReadOptionsQuery, readOptions } from './query.js'
import { operation } from './operation.js'

type CreateBody = BatchBookMessageInput | SnappyMessageInput

/** A named component (`MessageInput`), discriminated by `source`. */
const CreateBodySchema = ref(MessageInputSchema)

export default async function createMessageRoute(app: FastifyInstance): Promise<void> {
  app.post<{ Body: CreateBody; Querystring: { include?: 'remote' } }>(
    '/v1/messages',
    {
      schema: {
        operationId: 'createMessage',
        summary: 'Create a message',
        description:
          'Logs a BatchBook communication, or sends a Snappy note (opening a conversation, or replying into `conversationId`). ' +
          'Answers 201 with the created message and its `Location`.',
        tags: ['Messages'],
        headers: IdempotencyHeaders,
        querystring: Type.Object({ include: ReadOptionsQuery.include }, { additionalProperties: false }),
        body: CreateBodySchema,
        response: {
          201: ref(MessageSchema),
          ...WRITE_RESPONSES,
          ...problemResponses(...UPSTREAM_PROBLEMS, 404, 409, 413, 415),
        },
      },
      config: { idempotent: true },
    },
    async (request, reply) => {
      const adapter = request.writeConnection(request.body.source, request.body.connection, 'body/connection')
      const create = operation(adapter, 'createMessage', 'create messages')
      const message = await create(request.body, readOptions(request.query, true))
      // BatchBook's answer names the participants written without their names: the sync reads them.
      await writeThrough(request, 'a create', (r) =>
        r.messages.upsert([message], message.source === 'snappy', 'switchboard'),
      )
      const warnings = currentContext()?.warnings ?? []
      if (warnings.length > 0) message.warnings = warnings
      return reply.code(201).header('location', `/v1/messages/${message.id}`).send(message)
    },
  )
}
