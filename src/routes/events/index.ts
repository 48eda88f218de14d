/** `GET /v1/events`: the change feed, resumable, only the connections the key may use. */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { ref } from '../../schemas/ref.js'
import { EventListSchema } from '../../schemas/event.js'
import { problemResponses } from '../../schemas/responses.js'
import { pageQuery, DEFAULT_PAGE_SIZE } from '../../schemas/snappy-common.js'
import { CONNECTION_NAME_SOURCE, EVENT_TYPES_SOURCE } from '../../rules.js'
import eventStreamRoute from './stream.js'

const Query = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The `nextCursor` of the previous page.' })),
    types: Type.Optional(
      Type.String({
        pattern: EVENT_TYPES_SOURCE,
        description: 'Only these event types, comma-separated (`message.created,conversation.updated`).',
      }),
    ),
    connection: Type.Optional(Type.String({ pattern: CONNECTION_NAME_SOURCE, description: 'Only this connection.' })),
    limit: pageQuery.limit,
  },
  { additionalProperties: false },
)

export default async function eventRoutes(app: FastifyInstance): Promise<void> {
  await app.register(eventStreamRoute)
  app.get<{ Querystring: Static<typeof Query> }>(
    '/v1/events',
    {
      schema: {
        operationId: 'listEvents',
        summary: 'Read the change feed',
        description:
          'Every change Switchboard saw (writes through it, and changes the sync found upstream), oldest first, for the connections the key may use. ' +
          'Follow it with `resumeCursor`, which is never null: keep it and ask again to get what happened since (`nextCursor` is null once the feed is read to its end, so generic paginators stop). ' +
          'Events are kept for `EVENTS_RETENTION_DAYS` (30 by default); an older cursor is answered `410 cursor_expired`. ' +
          'Without a cursor the feed starts at the oldest event kept.',
        tags: ['Events'],
        querystring: Query,
        response: { 200: ref(EventListSchema), ...problemResponses(400, 401, 403, 404, 410, 503) },
      },
    },
    async (request) => {
      const query = request.query
      const connections =
        query.connection === undefined
          ? request.usableConnections().map((a) => a.connection.name)
          : [request.namedConnection(query.connection, 'querystring/connection').connection.name]
      return app.records.events.list({
        keyName: request.caller?.name ?? '',
        connections,
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        ...(query.types === undefined ? {} : { types: query.types.split(',') }),
        limit: query.limit ?? DEFAULT_PAGE_SIZE,
      })
    },
  )
}
