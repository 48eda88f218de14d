import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { MessageSchema } from '../../schemas/message.js'
import { MessageInputSchema, type BatchBookMessageInput, type SnappyMessageInput } from '../../schemas/message-input.js'
import { IdempotencyHeaders } from '../../schemas/idempotency.js'
import { ref } from '../../schemas/ref.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import { ReadOptionsQuery } from './query.js'

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
      const message = await app.records.messages.create(adapter, request.body, { fresh: true, ...request.query })
      return reply.code(201).header('location', `/v1/messages/${message.id}`).send(message)
    },
  )
}
