/**
 * Caching headers on gateway answers: every successful GET carries a strong `ETag` of its
 * body and `Cache-Control: private` (answers depend on the caller's key), a matching
 * `If-None-Match` gets `304 Not Modified`, and `X-Cache` says how the upstream reads behind
 * the answer were served (HIT, MISS, or STALE when an upstream failed and cached data answered).
 */
import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { currentContext } from '../request-context.js'

export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`
}

function matches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true
  // Weak comparison, as RFC 9110 asks for If-None-Match.
  const bare = etag.replace(/^W\//, '')
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === bare)
}

async function httpCaching(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (request, reply, payload) => {
    const context = currentContext()
    if (context?.cache != null) reply.header('x-cache', context.cache)
    if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) return payload
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload
    const etag = etagOf(payload)
    reply.header('etag', etag)
    reply.header('cache-control', 'private')
    const ifNoneMatch = request.headers['if-none-match']
    if (ifNoneMatch !== undefined && matches(ifNoneMatch, etag)) {
      reply.code(304)
      reply.removeHeader('content-type')
      reply.removeHeader('content-length')
      return ''
    }
    return payload
  })
}

export default fp(httpCaching, { name: 'http-caching', dependencies: ['request-context'] })
