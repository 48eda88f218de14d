/**
 * Rate-limit headers on every answer that used an upstream connection, GitHub style:
 * `X-RateLimit-Limit`, `-Remaining`, `-Reset` (epoch seconds) and `-Resource` (the
 * connection). When several connections answered, the one with the least budget left is shown.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { currentContext } from '../request-context.js'

async function rateHeaders(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (_request, reply, payload) => {
    const used = currentContext()?.connections
    if (used === undefined || used.size === 0) return payload
    let tightest: { name: string; limit: number; remaining: number; resetMs: number } | undefined
    for (const name of used) {
      const adapter = app.upstreams.get(name)
      if (adapter === undefined) continue
      const status = await adapter.client.scheduler.status()
      const limit = adapter.connection.rateLimit.max
      if (tightest === undefined || status.remaining / limit < tightest.remaining / tightest.limit) {
        tightest = { name, limit, ...status }
      }
    }
    if (tightest === undefined) return payload
    reply.header('x-ratelimit-limit', String(tightest.limit))
    reply.header('x-ratelimit-remaining', String(tightest.remaining))
    reply.header('x-ratelimit-reset', String(Math.ceil((Date.now() + tightest.resetMs) / 1000)))
    reply.header('x-ratelimit-resource', tightest.name)
    return payload
  })
}

export default fp(rateHeaders, { name: 'rate-headers', dependencies: ['request-context'] })
