/**
 * One log line per request, when it completes: request id, route, status, duration, and the
 * upstream calls made for it with their total time and the trace id they carried.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { currentContext } from '../request-context.js'

async function requestLog(app: FastifyInstance): Promise<void> {
  app.addHook('onResponse', async (request, reply) => {
    const context = currentContext()
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? null,
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        upstream: context === undefined ? undefined : { calls: context.upstreamCalls, ms: Math.round(context.upstreamMs * 10) / 10, cache: context.cache },
        traceId: context?.trace?.traceId,
      },
      'request completed',
    )
  })
}

export default fp(requestLog, { name: 'request-log', dependencies: ['request-context'] })
