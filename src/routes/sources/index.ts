import type { FastifyInstance } from 'fastify'
import { capabilitiesOf } from '../../records/sources.js'
import { problemResponses } from '../../schemas/responses.js'
import { ref } from '../../schemas/ref.js'
import { SourceListSchema, type Source } from '../../schemas/source.js'

export default async function sourceRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/v1/sources',
    {
      schema: {
        operationId: 'listSources',
        summary: 'List the connections this API key may use',
        description:
          'Each connection with its capabilities, the rate budget left right now, the state of its synced replica and of its circuit breaker.',
        tags: ['Sources'],
        response: { 200: ref(SourceListSchema), ...problemResponses(401, 500) },
      },
    },
    async (request) => {
      const adapters = request.usableConnections()
      const data: Source[] = await Promise.all(
        adapters.map(async (a) => {
          const budget = await a.engine.scheduler.status()
          return {
            name: a.connection.name,
            source: a.connection.source,
            sandbox: app.upstreams.isSandbox(a.connection.name),
            capabilities: capabilitiesOf(a),
            rateLimit: {
              limit: a.connection.rateLimit.max,
              windowSeconds: a.connection.rateLimit.windowMs / 1000,
              remaining: budget.remaining,
              resetSeconds: Math.ceil(budget.resetMs / 1000),
              queued: a.engine.scheduler.queued,
            },
            sync: await app.records.sources.sync(a.connection.name),
            circuit: { state: a.engine.breaker.state, consecutiveFailures: a.engine.breaker.consecutiveFailures },
          }
        }),
      )
      return { data, nextCursor: null }
    },
  )
}
