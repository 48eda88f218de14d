/** Runs every request inside its own RequestContext (see src/request-context.ts). */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { runWithContext } from '../request-context.js'
import { acceptTraceparent } from '../tracing.js'

async function requestContext(app: FastifyInstance): Promise<void> {
  // The callback form keeps the rest of the request (hooks and handler) inside the context.
  app.addHook('onRequest', (request, _reply, done) =>
    runWithContext(done, acceptTraceparent(request.headers.traceparent)),
  )
}

export default fp(requestContext, { name: 'request-context' })
