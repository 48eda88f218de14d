/**
 * The first peer: bare Fastify answering fixed JSON from memory on the gateway's own route
 * patterns. No plugins, no hooks, no schemas: the floor any Fastify server stands on.
 */
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import { serveChild } from '../lib/child.js'

export interface BareServerOptions {
  /** Route patterns to register, e.g. `/v1/messages/:id`. */
  routes: string[]
  /** The JSON body to answer for each request URL (path and query). */
  bodies: Record<string, unknown>
}

serveChild<BareServerOptions>(async ({ routes, bodies }) => {
  const answers = new Map(Object.entries(bodies))
  const app = Fastify({ logger: false })
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
