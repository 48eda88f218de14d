import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { decodeCursor } from '../../cursor.js'
import { ProblemError } from '../../errors.js'
import { mayUse } from '../../plugins/auth.js'
import { MessageListSchema, SourceName } from '../../schemas/message.js'
import { ref } from '../../schemas/ref.js'
import { UPSTREAM_PROBLEMS, problemResponses } from '../../schemas/responses.js'
import { canList, listTimeline } from '../../services/message-timeline.js'

const ListQuery = Type.Object(
  {
    source: Type.Optional(SourceName),
    connection: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$', description: 'Only this connection.' })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 25, description: 'Page size, 1 to 100.' }),
    cursor: Type.Optional(Type.String({ maxLength: 2048, description: 'The `nextCursor` of the previous page.' })),
  },
  { additionalProperties: false },
)

export default async function messageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
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
    async (request) => {
      const { source, connection, limit, cursor } = request.query
      if (connection !== undefined) {
        if (app.upstreams.get(connection) === undefined) {
          throw new ProblemError('validation_failed', `There is no connection named '${connection}'`, {
            errors: [{ path: 'querystring/connection', message: 'unknown connection' }],
          })
        }
        if (!mayUse(request.caller, connection)) {
          throw new ProblemError('forbidden_connection', `This API key may not use the connection '${connection}'`)
        }
      }
      const adapters = app.upstreams
        .all()
        .filter((a) => mayUse(request.caller, a.connection.name))
        .filter((a) => (source === undefined || a.connection.source === source) && (connection === undefined || a.connection.name === connection))
        .filter(canList)
      const state = cursor === undefined ? { positions: {}, done: [] } : decodeCursor(cursor)
      return listTimeline(adapters, state, limit)
    },
  )
}
