import type { FastifyInstance } from 'fastify'
import { replicaServes } from '../../services/replica-reads.js'
import { Type } from 'typebox'
import { StringEnum } from '../../schemas/ref.js'
import { problemResponses } from '../../schemas/responses.js'

/** Neither route takes parameters; anything else is a mistake worth a 400. */
const NoQuery = Type.Object({}, { additionalProperties: false })

const Readiness = (
  description: string,
  example: { status: string; connections: Array<{ name: string; circuit: string }> },
) =>
  Type.Object(
    {
      status: StringEnum(['ready', 'degraded', 'unavailable'], {
        description:
          '`degraded`: Redis is unreachable and this replica runs on its local share of the rate budget; it still serves.',
      }),
      redis: Type.Optional(StringEnum(['ok', 'unreachable'], { description: 'Present when REDIS_URL is set.' })),
      budget: Type.Optional(StringEnum(['shared', 'local-fallback'])),
      connections: Type.Array(
        Type.Object(
          {
            name: Type.String(),
            circuit: StringEnum(['closed', 'open', 'half-open']),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false, description, examples: [example] },
  )

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        operationId: 'getHealth',
        summary: 'Liveness: the process is up',
        description:
          'Answers 200 while the process runs, whatever the state of the upstreams; use `/readyz` to decide where to send traffic.',
        tags: ['Service'],
        security: [],
        querystring: NoQuery,
        response: {
          200: Type.Object(
            { status: Type.Literal('ok') },
            { additionalProperties: false, examples: [{ status: 'ok' }], description: 'The process is up.' },
          ),
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
          'Answers 503 when every configured connection has an open circuit and the synced replica cannot answer their reads, so a load balancer sends traffic elsewhere. ' +
          'A replica that serves every connection keeps the gateway in rotation as `degraded`; a lagging sync never makes it fail. ' +
          'With REDIS_URL set it also reports whether Redis answers and whether the rate budget is shared or a local fallback.',
        tags: ['Service'],
        security: [],
        querystring: NoQuery,
        response: {
          200: Readiness(
            'Ready (`ready`), or `degraded`: serving on a local share of the rate budget while Redis is unreachable, or reads from the replica while every circuit is open.',
            {
              status: 'ready',
              connections: [{ name: 'batchbook', circuit: 'closed' }],
            },
          ),
          503: Readiness('Every configured connection has an open circuit (`unavailable`): send traffic elsewhere.', {
            status: 'unavailable',
            connections: [{ name: 'batchbook', circuit: 'open' }],
          }),
          ...problemResponses(400),
        },
      },
    },
    async (_request, reply) => {
      const connections = app.upstreams.all().map((a) => ({ name: a.connection.name, circuit: a.engine.breaker.state }))
      const allOpen = connections.length > 0 && connections.every((c) => c.circuit === 'open')
      const shared = app.shared === null ? null : await app.shared.health()
      // Without Redis a replica still serves on its local budget share: degraded, not out of
      // rotation (taking every replica out at once would turn a Redis blip into an outage).
      // With every circuit open, reads still come from the synced replica where it serves every
      // connection: degraded (writes fail), not out of rotation. A lagging sync never fails this.
      const replicaServesAll =
        allOpen &&
        app.replica !== null &&
        (await replicaServes(
          app.replica,
          connections.map((c) => c.name),
        ))
      const unavailable = allOpen && !replicaServesAll
      const degraded = replicaServesAll || (shared !== null && (!shared.redis || shared.budget === 'local-fallback'))
      const status = unavailable ? 'unavailable' : degraded ? 'degraded' : 'ready'
      return reply.code(unavailable ? 503 : 200).send({
        status,
        ...(shared === null
          ? {}
          : { redis: shared.redis ? ('ok' as const) : ('unreachable' as const), budget: shared.budget }),
        connections,
      })
    },
  )
}
