import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { problemResponses } from '../../schemas/responses.js'

/** Neither route takes parameters; anything else is a mistake worth a 400. */
const NoQuery = Type.Object({}, { additionalProperties: false })

const Readiness = Type.Object(
  {
    status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
    connections: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          circuit: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half-open')]),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, examples: [{ status: 'ready', connections: [{ name: 'batchbook', circuit: 'closed' }] }] },
)

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        operationId: 'getHealth',
        summary: 'Liveness: the process is up',
        tags: ['Service'],
        security: [],
        querystring: NoQuery,
        response: {
          200: Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false, examples: [{ status: 'ok' }], description: 'The process is up.' }),
          ...problemResponses(400),
        },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        operationId: 'getReadiness',
        summary: 'Readiness: the upstreams can be used',
        description: 'Answers 503 when every configured connection has an open circuit, so a load balancer sends traffic elsewhere.',
        tags: ['Service'],
        security: [],
        querystring: NoQuery,
        response: { 200: Readiness, 503: Readiness, ...problemResponses(400) },
      },
    },
    async (_request, reply) => {
      const connections = app.upstreams.all().map((a) => ({ name: a.connection.name, circuit: a.client.breaker.state }))
      const allOpen = connections.length > 0 && connections.every((c) => c.circuit === 'open')
      return reply.code(allOpen ? 503 : 200).send({ status: allOpen ? 'unavailable' : 'ready', connections })
    },
  )
}
