/**
 * The first peer: bare Fastify answering fixed JSON from memory on the gateway's own route
 * patterns. No plugins, no hooks, no schemas: the floor any Fastify server stands on.
 *
 * With `bookkeeping`, it also does what any production Fastify API does per request and the
 * gateway does too, written the same way: a one-line JSON log of every request to stdout
 * through pino's asynchronous destination, an `X-Request-Id`, a Bearer key compared as a
 * SHA-256 digest in constant time, and a SHA-1 `ETag` with `Cache-Control: private`. The gap
 * to that peer is what the gateway's own work costs.
 */
import { hash, randomUUID, timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import { destination } from 'pino'
import { requestFields } from '../../src/plugins/request-log.js'
import { serveChild } from '../lib/child.js'

export interface BareServerOptions {
  /** Route patterns to register, e.g. `/v1/messages/:id`. */
  routes: string[]
  /** The JSON body to answer for each request URL (path and query). */
  bodies: Record<string, unknown>
  /** The per-request bookkeeping described above, checking this API key. */
  bookkeeping?: { apiKey: string }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i

serveChild<BareServerOptions>(async ({ routes, bodies, bookkeeping }) => {
  const answers = new Map(Object.entries(bodies))
  const app = Fastify(
    bookkeeping === undefined
      ? { logger: false }
      : {
          logger: { level: 'info', stream: destination({ dest: 1, sync: false }) },
          disableRequestLogging: true,
          genReqId: () => randomUUID(),
        },
  )
  if (bookkeeping !== undefined) {
    const stored = hash('sha256', bookkeeping.apiKey, 'buffer')
    const lines = app.log.child({})
    app.addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id)
      const key = BEARER.exec(request.headers.authorization ?? '')?.[1]
      if (key === undefined || !timingSafeEqual(hash('sha256', key, 'buffer'), stored)) {
        reply.code(401).send({ error: 'unauthorized' })
        return
      }
      done()
    })
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (reply.statusCode === 200 && typeof payload === 'string') {
        reply.header('etag', `"${hash('sha1', payload, 'base64url')}"`)
        reply.header('cache-control', 'private')
      }
      done(null, payload)
    })
    app.addHook('onResponse', (request, reply, done) => {
      lines.info(requestFields(request, reply), 'request completed')
      done()
    })
  }
  for (const route of routes) {
    app.get(route, async (request, reply) => {
      const body = answers.get(request.url)
      if (body === undefined) return reply.code(404).send({ error: 'not in the fixture' })
      return body
    })
  }
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() }
})
