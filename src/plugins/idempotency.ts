/**
 * `Idempotency-Key` for writes: routes marked `config: { idempotent: true }` answer a repeat of
 * a request (same key, same caller, same body) with the first answer instead of writing
 * again; the same key with another body is a 422, and a key whose first request is still
 * running a 409. Answers are kept 24 hours. A request that failed before any upstream write
 * frees its key so it can be retried; once something was written, its answer is kept,
 * failure or not, because a retry could write twice.
 */
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ProblemError } from '../errors.js'
import { currentContext } from '../request-context.js'
import { IDEMPOTENCY_LOCK_MS, IDEMPOTENCY_TTL_MS, type IdempotencyStore } from '../upstreams/idempotency/store.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    idempotent?: boolean
  }
  interface FastifyRequest {
    idempotency: { key: string; fingerprint: string } | null
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/
/** Answer headers worth replaying. */
const KEPT_HEADERS = ['content-type', 'location']

async function idempotency(app: FastifyInstance, options: { store: IdempotencyStore }): Promise<void> {
  const store = options.store
  app.decorateRequest('idempotency', null)

  const reserve = async (request: FastifyRequest, reply: FastifyReply, given: string | string[]): Promise<void> => {
    if (typeof given !== 'string' || !KEY.test(given)) {
      throw new ProblemError('validation_failed', 'Idempotency-Key must be 1 to 255 visible ASCII characters')
    }
    // Keys are the caller's own: two clients choosing the same key never meet.
    const key = `${request.caller?.name ?? '-'}|${request.method} ${request.routeOptions.url}|${given}`
    const fingerprint = createHash('sha256').update(request.url).update('\n').update(JSON.stringify(request.body ?? null)).digest('base64url')
    const reservation = await store.reserve(key, fingerprint, IDEMPOTENCY_LOCK_MS)
    switch (reservation.state) {
      case 'reserved':
        request.idempotency = { key, fingerprint }
        return
      case 'in-progress':
        throw new ProblemError('idempotency_key_in_use', 'A request with this Idempotency-Key is still running; retry when it has finished')
      case 'mismatch':
        throw new ProblemError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request')
      case 'completed': {
        const { status, headers, body } = reservation.response
        for (const [name, value] of Object.entries(headers)) reply.header(name, value)
        // A reply is thenable: awaiting it waits until the answer is sent, so the hook below
        // sees `reply.sent` and does not run the handler.
        await reply.code(status).header('idempotent-replayed', 'true').send(body)
      }
    }
  }

  const settle = async (pending: { key: string; fingerprint: string }, reply: FastifyReply, payload: unknown): Promise<void> => {
    const wrote = currentContext()?.wrote === true
    if (reply.statusCode >= 400 && reply.statusCode < 500 && !wrote) {
      await store.release(pending.key)
      return
    }
    const headers: Record<string, string> = {}
    for (const name of KEPT_HEADERS) {
      const value = reply.getHeader(name)
      if (value !== undefined) headers[name] = String(value)
    }
    await store.complete(pending.key, pending.fingerprint, { status: reply.statusCode, headers, body: String(payload) }, IDEMPOTENCY_TTL_MS)
  }

  // Callback hooks: requests without a key (every read) pass without a promise or a tick.
  app.addHook('preHandler', (request, reply, done) => {
    const given = request.routeOptions.config.idempotent === true ? request.headers['idempotency-key'] : undefined
    if (given === undefined) {
      done()
      return
    }
    reserve(request, reply, given).then(() => {
      if (!reply.sent) done()
    }, done)
  })

  app.addHook('onSend', (request, reply, payload, done) => {
    const pending = request.idempotency
    if (pending === null) {
      done(null, payload)
      return
    }
    request.idempotency = null
    settle(pending, reply, payload).then(() => done(null, payload), done)
  })
}

export default fp(idempotency, { name: 'idempotency', dependencies: ['request-context', 'auth'] })
