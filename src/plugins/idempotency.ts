/**
 * `Idempotency-Key` for writes: routes marked `config: { idempotent: true }` answer a repeat of
 * a request (same key, same caller, same body) with the first answer instead of writing
 * again; the same key with another body is a 422, and a key whose first request is still
 * running a 409. Answers are kept 24 hours.
 *
 * Before each upstream write of such a request leaves, its record says so, durably (the
 * engine awaits `beforeWrite`). A gateway that dies with the write out leaves that mark: a
 * retry is answered `409 idempotency_outcome_unknown` and never written again.
 *
 * Only outcomes after an upstream write was attempted are kept, failure or not, because a
 * retry of those could write twice. Any answer given before that (a 400, a 429 or 503 for an
 * exhausted budget or an open circuit, a 502 or 504 of a read that came first...) frees the
 * key: nothing was written, so the retry the client is told to make must be able to write.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { idempotencyKeyInUse, idempotencyKeyReused, idempotencyOutcomeUnknown, validationFailed } from '../errors.js'
import { currentContext } from '../request-context.js'
import { IDEMPOTENCY_LOCK_MS, IDEMPOTENCY_TTL_MS, type IdempotencyStore } from '../upstreams/idempotency/store.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    idempotent?: boolean
  }
  interface FastifyRequest {
    idempotency: { key: string; fingerprint: string; holder: string } | null
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/
/** Answer headers worth replaying: what the body is, where the record is, when to come back. */
const KEPT_HEADERS = ['content-type', 'location', 'retry-after']

/**
 * What identifies "the same request". A multipart body is streamed to the upstream by the
 * handler, so at this point it is not a value to hash: its media type and declared length
 * stand in for it. A different upload under a reused key is recognised when its length
 * differs (or it is not multipart at all); one of exactly the same length, or one sent chunked
 * without `Content-Length`, is taken for a repeat and gets the first upload's answer. The
 * boundary is left out: clients draw a new one each time they build the form, so a faithful
 * retry would otherwise never match.
 */
function fingerprintOf(request: FastifyRequest): string {
  const hash = createHash('sha256')
    .update(request.url)
    .update('\n')
    .update(JSON.stringify(request.body ?? null))
  const type = request.headers['content-type']
  if (type !== undefined && /^multipart\//i.test(type)) {
    const mediaType = (type.split(';')[0] ?? '').trim().toLowerCase()
    hash
      .update('\n')
      .update(mediaType)
      .update('\n')
      .update(request.headers['content-length'] ?? '-')
  }
  return hash.digest('base64url')
}

interface IdempotencyOptions {
  store: IdempotencyStore
  /**
   * This gateway is the only one (`SWITCHBOARD_REPLICAS=1`): a key held by another process is
   * its dead predecessor's, resolved at once rather than when its lock runs out.
   */
  alone: boolean
  /** This gateway, as the keys it holds name it. */
  holder: string
}

async function idempotency(app: FastifyInstance, options: IdempotencyOptions): Promise<void> {
  const store = options.store
  app.decorateRequest('idempotency', null)

  const reserve = async (request: FastifyRequest, reply: FastifyReply, given: string | string[]): Promise<void> => {
    if (typeof given !== 'string' || !KEY.test(given)) {
      throw validationFailed('Idempotency-Key must be 1 to 255 visible ASCII characters')
    }
    // Keys are the caller's own: two clients choosing the same key never meet.
    const key = `${request.caller?.name ?? '-'}|${request.method} ${request.routeOptions.url}|${given}`
    const fingerprint = fingerprintOf(request)
    const holder = `${options.holder}|${randomUUID()}`
    const reservation = await store.reserve(key, fingerprint, IDEMPOTENCY_LOCK_MS, holder, options.alone)
    switch (reservation.state) {
      case 'reserved': {
        request.idempotency = { key, fingerprint, holder }
        const context = currentContext()
        if (context !== undefined) {
          let marked: Promise<void> | undefined
          context.beforeWrite = () => (marked ??= store.markWriting(key, holder))
        }
        return
      }
      case 'in-progress':
        throw idempotencyKeyInUse()
      case 'mismatch':
        throw idempotencyKeyReused()
      case 'unknown':
        throw idempotencyOutcomeUnknown(reservation.writingAt)
      case 'completed': {
        const { status, headers, body } = reservation.response
        for (const [name, value] of Object.entries(headers)) reply.header(name, value)
        // A reply is thenable: awaiting it waits until the answer is sent, so the hook below
        // sees `reply.sent` and does not run the handler.
        await reply.code(status).header('idempotent-replayed', 'true').send(body)
      }
    }
  }

  const settle = async (
    pending: { key: string; fingerprint: string; holder: string },
    reply: FastifyReply,
    payload: unknown,
  ): Promise<void> => {
    if (currentContext()?.wrote !== true) {
      await store.release(pending.key, pending.holder)
      return
    }
    const headers: Record<string, string> = {}
    for (const name of KEPT_HEADERS) {
      const value = reply.getHeader(name)
      if (value !== undefined) headers[name] = String(value)
    }
    await store.complete(
      pending.key,
      pending.fingerprint,
      { status: reply.statusCode, headers, body: String(payload) },
      IDEMPOTENCY_TTL_MS,
    )
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
    // The answer stands whatever happens to its record: once the upstream accepted a write, the
    // client must hear it (the shared store journals what it cannot keep; see fallback.ts).
    settle(pending, reply, payload).then(
      () => done(null, payload),
      (err: unknown) => {
        request.log.error({ err }, 'the idempotency record of this answer could not be kept')
        done(null, payload)
      },
    )
  })
}

export default fp(idempotency, { name: 'idempotency', dependencies: ['request-context', 'auth'] })
