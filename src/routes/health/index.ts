import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { StringEnum } from '../../schemas/ref.js'
import { problemResponses } from '../../schemas/responses.js'

/** Neither route takes parameters; anything else is a mistake worth a 400. */
const NoQuery = Type.Object({}, { additionalProperties: false })

const Readiness = (
  description: string,
  example: { status: string; connections: Array<{ name: string; circuit: string; sync?: string }> },
) =>
  Type.Object(
    {
      status: StringEnum(['ready', 'degraded', 'unavailable'], {
        description:
          '`degraded` (still 200: the gateway serves, some of it from fallbacks): Redis is unreachable and this gateway runs on its local share of the rate budget; or the store is unreachable (reads go to the upstreams, writes keep what the store must record until it is back); or a connection’s sync has failed for several poll intervals; or every circuit is open and the synced replica answers reads.',
      }),
      reasons: Type.Optional(
        Type.Array(Type.String(), {
          description: 'Why the gateway is `degraded` or `unavailable`, one sentence each.',
        }),
      ),
      redis: Type.Optional(StringEnum(['ok', 'unreachable'], { description: 'Present when REDIS_URL is set.' })),
      budget: Type.Optional(StringEnum(['shared', 'local-fallback'])),
      store: Type.Optional(
        StringEnum(['ok', 'connecting', 'recovering', 'unreachable'], {
          description:
            'The synced replica’s store (absent when the replica is off): `recovering` while writes accepted during an outage are recorded.',
        }),
      ),
      connections: Type.Array(
        Type.Object(
          {
            name: Type.String(),
            circuit: StringEnum(['closed', 'open', 'half-open']),
            sync: Type.Optional(
              StringEnum(['ok', 'failing'], {
                description:
                  '`failing`: its sync has failed for several poll intervals (absent when the replica is off).',
              }),
            ),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false, description, examples: [example] },
  )

const STORE_STATES = { up: 'ok', connecting: 'connecting', recovering: 'recovering', down: 'unreachable' } as const

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
          'Everything else that goes wrong keeps the gateway in rotation as `degraded` (200) with its `reasons`: a store or Redis outage, a sync failing for several poll intervals, reads served by the replica while every circuit is open. ' +
          'With REDIS_URL set it also reports whether Redis answers and whether the rate budget is shared or a local fallback.',
        tags: ['Service'],
        security: [],
        querystring: NoQuery,
        response: {
          200: Readiness(
            'Ready (`ready`), or `degraded`: serving on a local share of the rate budget while Redis is unreachable, or reads from the replica while every circuit is open.',
            {
              status: 'ready',
              connections: [{ name: 'batchbook', circuit: 'closed', sync: 'ok' }],
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
      const sources = app.records.sources
      const adapters = app.upstreams.all()
      const failing = await sources.failing(
        adapters.map((a) => ({ name: a.connection.name, source: a.connection.source })),
      )
      const connections = adapters.map((a) => ({
        name: a.connection.name,
        circuit: a.engine.breaker.state,
        ...(!sources.kept
          ? {}
          : { sync: failing.includes(a.connection.name) ? ('failing' as const) : ('ok' as const) }),
      }))
      const allOpen = connections.length > 0 && connections.every((c) => c.circuit === 'open')
      const shared = app.shared === null ? null : await app.shared.health()
      // With every circuit open, reads still come from the synced replica where it serves every
      // connection: degraded (writes fail), not out of rotation. Everything else is degraded
      // too: taking every gateway out at once would turn a Redis or store blip into an outage.
      const unavailable = allOpen && !(await sources.served(connections.map((c) => c.name)))
      const reasons: string[] = []
      if (allOpen) reasons.push('every connection’s circuit is open')
      if (shared !== null && !shared.redis) reasons.push('Redis is unreachable')
      if (shared?.budget === 'local-fallback') reasons.push('the rate budget runs on this gateway’s local share')
      const store = sources.storeState
      if (store !== null && store !== 'up') reasons.push(`the store is ${STORE_STATES[store]}`)
      for (const name of failing) reasons.push(`the sync of ${name} has been failing for several poll intervals`)
      const status = unavailable ? 'unavailable' : reasons.length > 0 ? 'degraded' : 'ready'
      return reply.code(unavailable ? 503 : 200).send({
        status,
        ...(reasons.length === 0 ? {} : { reasons }),
        ...(shared === null
          ? {}
          : { redis: shared.redis ? ('ok' as const) : ('unreachable' as const), budget: shared.budget }),
        ...(store === null ? {} : { store: STORE_STATES[store] }),
        connections,
      })
    },
  )
}
