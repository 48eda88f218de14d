import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { ProblemError } from '../../errors.js'
import { mayUse } from '../../plugins/auth.js'
import { currentContext } from '../../request-context.js'
import { MessageSchema } from '../../schemas/message.js'
import type { BatchBookMessageInput, SnappyMessageInput } from '../../schemas/message-input.js'
import { IdempotencyHeaders } from '../../schemas/idempotency.js'
import { ref } from '../../schemas/ref.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import type { SourceAdapter } from '../../upstreams/adapter.js'
import { ReadOptionsQuery, readOptions } from './query.js'
import { operation } from './resolve.js'

type CreateBody = BatchBookMessageInput | SnappyMessageInput

const CreateBodySchema = Type.Unsafe<CreateBody>({
  type: 'object',
  oneOf: [{ $ref: 'BatchBookMessageInput#' }, { $ref: 'SnappyMessageInput#' }],
  discriminator: { propertyName: 'source' },
  description: 'A BatchBook communication or a Snappy note, told apart by `source`.',
  examples: [
    { source: 'batchbook', kind: 'phone', subject: 'Renewal call', body: 'Talked through the Q3 plan.', tags: ['renewal'] },
    { source: 'snappy', mailboxId: 'mbx_WyJzbmFwcHkiLCJzbmFwcHkiLCIzMjQ5IiwiMzY0MiJd', from: [{ name: 'John Smith', address: 'john.smith@example.com' }], subject: 'Where is my order?', body: 'It has not arrived yet.' },
  ],
})

/** The connection to write to: the one named, or the only one of that source the key may use. */
function targetConnection(app: FastifyInstance, caller: Parameters<typeof mayUse>[0], body: CreateBody): SourceAdapter {
  if (body.connection !== undefined) {
    const adapter = app.upstreams.get(body.connection)
    if (adapter === undefined || adapter.connection.source !== body.source) {
      throw new ProblemError('validation_failed', `There is no ${body.source} connection named '${body.connection}'`, {
        errors: [{ path: 'body/connection', message: 'unknown connection' }],
      })
    }
    if (!mayUse(caller, body.connection)) throw new ProblemError('forbidden_connection', `This API key may not use the connection '${body.connection}'`)
    return adapter
  }
  const candidates = app.upstreams.all().filter((a) => a.connection.source === body.source && mayUse(caller, a.connection.name))
  if (candidates.length === 1) return candidates[0] as SourceAdapter
  throw new ProblemError(
    candidates.length === 0 ? 'forbidden_connection' : 'validation_failed',
    candidates.length === 0
      ? `This API key may not use any ${body.source} connection`
      : `Several ${body.source} connections are available; name one in \`connection\``,
  )
}

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
        response: { 201: ref(MessageSchema), ...WRITE_RESPONSES, ...problemResponses(...UPSTREAM_PROBLEMS, 404, 409, 413, 415) },
      },
      config: { idempotent: true },
    },
    async (request, reply) => {
      const adapter = targetConnection(app, request.caller, request.body)
      const create = operation(adapter, 'createMessage', 'create messages')
      const message = await create(request.body, readOptions(request.query, true))
      const warnings = currentContext()?.warnings ?? []
      if (warnings.length > 0) message.warnings = warnings
      return reply.code(201).header('location', `/v1/messages/${message.id}`).send(message)
    },
  )
}
