import type { FastifyInstance } from 'fastify'
import type { QueueDepth } from '../../records/operations.js'
import { capabilitiesOf } from '../../records/sources.js'
import { problemResponses } from '../../schemas/responses.js'
import { ref } from '../../schemas/ref.js'
import { SourceListSchema, type Source } from '../../schemas/source.js'

/** A connection's queue of operations as `/v1/sources` shows it. */
function queueOf(depth: QueueDepth | undefined, now: number): NonNullable<Source['operations']> {
  if (depth === undefined) return { queued: 0, running: 0, oldestQueuedSeconds: null }
  const oldest = depth.oldestQueuedAtMs
  return {
    queued: depth.queued,
    running: depth.running,
    oldestQueuedSeconds: oldest === null ? null : Math.max(0, Math.floor((now - oldest) / 1000)),
  }
}

export default async function sourceRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/v1/sources',
    {
      schema: {
        operationId: 'listSources',
        summary: 'List the connections this API key may use',
        description:
          'Each connection with its capabilities, the rate budget left right now, the state of its synced replica, its queue of operations and its circuit breaker.',
        tags: ['Sources'],
        response: { 200: ref(SourceListSchema), ...problemResponses(401, 500) },
      },
    },
    async (request) => {
      const adapters = request.usableConnections()
      const queues = await app.records.operations.depths()
      const now = app.clock.now()
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
            sync: await app.records.sources.sync(a.connection.name, a.connection.rateLimit),
            operations: queues === null ? null : queueOf(queues.get(a.connection.name), now),
            circuit: { state: a.engine.breaker.state, consecutiveFailures: a.engine.breaker.consecutiveFailures },
          }
        }),
      )
      return { data, nextCursor: null }
    },
  )
}
