import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { problemResponses } from '../../schemas/responses.js'

/** Neither route takes parameters; anything else is a mistake worth a 400. */
const NoQuery = Type.Object({}, { additionalProperties: false })

const Readiness = Type.Object(
  {
    status: Type.Union([Type.Literal('ready'), Type.Literal('degraded'), Type.Literal('unavailable')], {
      description: '`degraded`: Redis is unreachable and this replica runs on its local share of the rate budget; it still serves.',
    }),
    redis: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('unreachable')], { description: 'Present when REDIS_URL is set.' })),
    budget: Type.Optional(Type.Union([Type.Literal('shared'), Type.Literal('local-fallback')])),
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
        description:
          'Answers 503 when every configured connection has an open circuit, so a load balancer sends traffic elsewhere. ' +
          'With REDIS_URL set it also reports whether Redis answers and whether the rate budget is shared or a local fallback.',
        tags: ['Service'],
        security: [],
        querystring: NoQuery,
        response: { 200: Readiness, 503: Readiness, ...problemResponses(400) },
      },
    },
    async (_request, reply) => {
      const connections = app.upstreams.all().map((a) => ({ name: a.connection.name, circuit: a.client.breaker.state }))
      const allOpen = connections.length > 0 && connections.every((c) => c.circuit === 'open')
      const shared = app.shared === null ? null : await app.shared.health()
      // Without Redis a replica still serves on its local budget share: degraded, not out of
      // rotation (taking every replica out at once would turn a Redis blip into an outage).
      const degraded = shared !== null && (!shared.redis || shared.budget === 'local-fallback')
      const status = allOpen ? 'unavailable' : degraded ? 'degraded' : 'ready'
      return reply.code(allOpen ? 503 : 200).send({
        status,
        ...(shared === null ? {} : { redis: shared.redis ? ('ok' as const) : ('unreachable' as const), budget: shared.budget }),
        connections,
      })
    },
  )
}
