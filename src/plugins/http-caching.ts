/**
 * Caching headers on gateway answers: every successful GET carries a strong `ETag` of its
 * body and `Cache-Control: private` (answers depend on the caller's key), a matching
 * `If-None-Match` gets `304 Not Modified`, and `X-Cache` says how the upstream reads behind
 * the answer were served (HIT, MISS, or STALE when an upstream failed and cached data answered).
 */
import { hash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { currentContext } from '../request-context.js'

function etagOf(body: string | Buffer): string {
  return `"${hash('sha1', body, 'base64url')}"`
}

function matches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true
  // Weak comparison, as RFC 9110 asks for If-None-Match.
  const bare = etag.replace(/^W\//, '')
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === bare)
}

async function httpCaching(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', (request, reply, payload, done) => {
    const context = currentContext()
    if (context?.cache != null) reply.header('x-cache', context.cache)
    if (
      (request.method !== 'GET' && request.method !== 'HEAD') ||
      reply.statusCode !== 200 ||
      (typeof payload !== 'string' && !Buffer.isBuffer(payload))
    ) {
      done(null, payload)
      return
    }
    const etag = etagOf(payload)
    reply.header('etag', etag)
    reply.header('cache-control', 'private')
    const ifNoneMatch = request.headers['if-none-match']
    if (ifNoneMatch !== undefined && matches(ifNoneMatch, etag)) {
      reply.code(304)
      reply.removeHeader('content-type')
      reply.removeHeader('content-length')
      done(null, '')
      return
    }
    done(null, payload)
  })
}

export default fp(httpCaching, { name: 'http-caching', dependencies: ['request-context'] })
