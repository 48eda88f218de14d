/**
 * Graceful close without lost requests.
 *
 * An HTTP/1.1 server cannot tell a client that an idle kept-alive connection is about to
 * close: a request the client writes on it just as the server destroys it is lost (the client
 * sees a reset and, for a POST, cannot know whether it was processed). Node's
 * `http.Server#close()` destroys idle connections at once (`closeIdleConnections()`), so closing
 * straight away under keep-alive load loses a few requests every time.
 *
 * `app.drainConnections()`, called before `app.close()`, closes in this order instead:
 *
 * 1. Stop accepting connections (the listening socket closes; kept-alive ones stay open).
 * 2. For a drain period, answer what arrives on the open connections: requests already in
 *    flight finish normally, and every answer says `Connection: close`; a request that starts
 *    now gets `503` (problem+json, `Retry-After`, `Connection: close`) before any of its work
 *    runs, so it is safe to retry. Each client closes its connection on reading that header.
 * 3. The period ends early once every connection has closed. What is still open then has
 *    been idle for the whole period; `app.close()` closes it and waits for the requests still
 *    running, as it always does.
 *
 * `app.close()` alone (tests, embedding) still answers in-flight requests with
 * `Connection: close`, and new ones with Fastify's own 503 (`return503OnClosing`).
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Server as NetServer } from 'node:net'
import { problemBody, shuttingDown } from '../errors.js'
import { PROBLEM_CONTENT_TYPE } from './problems.js'

interface DrainOptions {
  /**
   * How long kept-alive connections stay open for the requests arriving on them, at most
   * (it ends as soon as every connection has closed). Long enough for a client to receive a
   * `Connection: close` answer and close its connection; well under the shutdown bound.
   */
  periodMs?: number
}

export const DEFAULT_DRAIN_MS = 2_000
/** Seconds a turned-away client should wait; a load balancer retries elsewhere at once. */
const RETRY_AFTER_S = 1

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Stops accepting connections and drains the kept-alive ones (see graceful-close.ts).
     * Call it before `close()`; calling it again returns the same drain.
     */
    drainConnections(options?: DrainOptions): Promise<void>
  }
}

async function gracefulClose(app: FastifyInstance): Promise<void> {
  let draining = false
  let closing = false
  let drained: Promise<void> | undefined

  app.decorate('drainConnections', function drainConnections(options: DrainOptions = {}): Promise<void> {
    drained ??= drain(app, options.periodMs ?? DEFAULT_DRAIN_MS, () => {
      draining = true
    })
    return drained
  })

  app.addHook('preClose', async () => {
    closing = true
  })

  // Registered before every other plugin's hooks: a request turned away here has done no work.
  app.addHook('onRequest', (request, reply, done) => {
    if (!draining) {
      done()
      return
    }
    const problem = shuttingDown(RETRY_AFTER_S)
    request.problemCode = problem.code
    // Serialized here: a route's own schema for 503 (e.g. /readyz) does not describe a problem.
    reply
      .code(problem.status)
      .header('retry-after', String(RETRY_AFTER_S))
      .header('connection', 'close')
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(problemBody(problem, request.id, request.url.split('?')[0])))
  })

  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining || closing) reply.header('connection', 'close')
    done(null, payload)
  })
}

async function drain(app: FastifyInstance, periodMs: number, start: () => void): Promise<void> {
  start()
  const server = app.server
  if (!server.listening) return
  const started = Date.now()
  let onClose = (): void => undefined
  let timer: NodeJS.Timeout | undefined
  const allClosed = new Promise<boolean>((resolve) => {
    onClose = () => resolve(true)
    timer = setTimeout(() => resolve(false), periodMs)
  })
  // 'close' comes once the listening socket is closed and no connection is left.
  server.once('close', onClose)
  // net.Server's close, not http.Server's: that one also destroys every idle kept-alive
  // connection at once, which is where requests in transit were lost.
  NetServer.prototype.close.call(server)
  app.log.info({ connections: await connectionCount(app), periodMs }, 'draining connections')
  const emptied = await allClosed
  clearTimeout(timer)
  server.removeListener('close', onClose)
  app.log.info({ left: emptied ? 0 : await connectionCount(app), ms: Date.now() - started }, 'drained connections')
}

function connectionCount(app: FastifyInstance): Promise<number> {
  return new Promise((resolve) => app.server.getConnections((_err, n) => resolve(n ?? 0)))
}

export default fp(gracefulClose, { name: 'graceful-close' })
