/**
 * The second peer: @fastify/reply-from passing upstream routes through untouched, adding only
 * the upstream's Basic credentials (as the gateway does), over a pool of the gateway's size.
 */
import type { AddressInfo } from 'node:net'
import replyFrom from '@fastify/reply-from'
import Fastify from 'fastify'
import { serveChild } from '../lib/child.js'

export interface ProxyServerOptions {
  origin: string
  /** The upstream `Authorization` header value. */
  authorization: string
  /** Route patterns to pass through, e.g. `/api/v1/ticket/:id`. */
  routes: string[]
  /** Sockets to the upstream origin. */
  connections: number
}

serveChild<ProxyServerOptions>(async ({ origin, authorization, routes, connections }) => {
  const app = Fastify({ logger: false })
  await app.register(replyFrom, { base: origin, undici: { connections, pipelining: 1 } })
  for (const route of routes) {
    app.get(route, (request, reply) =>
      reply.from(request.url, { rewriteRequestHeaders: (_request, headers) => ({ ...headers, authorization }) }),
    )
  }
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() }
})
