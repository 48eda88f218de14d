/**
 * Graceful close: once closing starts, answers to requests still in flight say
 * `Connection: close`, so their keep-alive sockets end with them and the server can finish
 * closing instead of waiting out idle clients. New requests meanwhile get Fastify's 503.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

async function gracefulClose(app: FastifyInstance): Promise<void> {
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
    app.server.closeIdleConnections()
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })
}

export default fp(gracefulClose, { name: 'graceful-close' })
