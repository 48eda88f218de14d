/**
 * `/v1/operations`: the writes a key queued with `Prefer: respond-async`, what became of each,
 * and cancelling one still queued. An operation belongs to the key that queued it (another
 * key's answer 404).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import { OPERATION_STATES, OperationListSchema, OperationSchema } from '../../schemas/operation.js'
import { StringEnum, ref } from '../../schemas/ref.js'
import { problemResponses } from '../../schemas/responses.js'
import { DEFAULT_PAGE_SIZE, pageQuery } from '../../schemas/snappy-common.js'
import { CONNECTION_NAME_SOURCE } from '../../rules.js'

const Params = Type.Object(
  { id: Type.String({ pattern: '^op_[A-Za-z0-9_-]{16}$', description: 'An operation id (`op_…`).' }) },
  { additionalProperties: false },
)
type P = Static<typeof Params>

const Query = Type.Object(
  {
    state: Type.Optional(StringEnum(OPERATION_STATES, { description: 'Only operations in this state.' })),
    connection: Type.Optional(Type.String({ pattern: CONNECTION_NAME_SOURCE, description: 'Only this connection’s.' })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The `nextCursor` of the previous page.' })),
    limit: pageQuery.limit,
  },
  { additionalProperties: false },
)

function keyOf(request: FastifyRequest): string {
  return request.caller?.name ?? ''
}

export default async function operationRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: P }>(
    '/v1/operations/:id',
    {
      schema: {
        operationId: 'getOperation',
        summary: 'Get an operation',
        description:
          'A queued write and what became of it: while `queued`, its `position` and `estimatedStartAt`; once `succeeded`, the `result` (what the write answered: the record and its `location`); once `failed`, the `problem`; ' +
          'when `unknown`, a `resolution`.',
        tags: ['Operations'],
        params: Params,
        response: { 200: ref(OperationSchema), ...problemResponses(400, 401, 404, 503) },
      },
    },
    async (request) => app.records.operations.get(request.params.id, keyOf(request)),
  )

  app.get<{ Querystring: Static<typeof Query> }>(
    '/v1/operations',
    {
      schema: {
        operationId: 'listOperations',
        summary: 'List operations',
        description: 'The key’s operations, newest first, of the connections it may use.',
        tags: ['Operations'],
        querystring: Query,
        response: { 200: ref(OperationListSchema), ...problemResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const { query } = request
      const connections =
        query.connection === undefined
          ? request.usableConnections().map((a) => a.connection.name)
          : [request.namedConnection(query.connection, 'querystring/connection').connection.name]
      return app.records.operations.list({
        keyName: keyOf(request),
        connections,
        states: query.state === undefined ? null : [query.state],
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        limit: query.limit ?? DEFAULT_PAGE_SIZE,
      })
    },
  )

  app.delete<{ Params: P }>(
    '/v1/operations/:id',
    {
      schema: {
        operationId: 'cancelOperation',
        summary: 'Cancel a queued operation',
        description:
          'Cancels an operation still `queued`: nothing of it is sent. One that has begun cannot be canceled (409 `operation_not_cancelable`).',
        tags: ['Operations'],
        params: Params,
        response: { 200: ref(OperationSchema), ...problemResponses(400, 401, 404, 409, 503) },
      },
    },
    async (request) => app.records.operations.cancel(request.params.id, keyOf(request)),
  )
}
