/**
 * The BatchBook sandbox: an in-process stand-in for BatchBook's classic XML API
 * (communications with their participants, tags and comments), built on the shared simulator
 * frame for auth, rate limiting, fault injection and stats.
 */
import { type Clock, realClock } from '../../clock.js'
import type { FastifyError, FastifyInstance } from 'fastify'
import { createSimulatorFrame, type SimulatorFrame } from '../frame/server.js'
import type { RollingWindowLimit } from '../frame/rolling-window.js'
import { DEFAULT_BATCHBOOK_LIMIT } from '../../upstreams/batchbook/wire.js'
import { resolveVolume, type SandboxVolume } from '../volume.js'
import { RESET_PREAMBLE } from './documents.js'
import { RequestError } from './errors.js'
import { type RouteContext, sendErrors, sendNotFound, XML_CONTENT_TYPE } from './http.js'
import { commentRoutes } from './routes/comments.js'
import { communicationRoutes } from './routes/communications.js'
import { participantRoutes } from './routes/participants.js'
import { tagRoutes } from './routes/tags.js'
import { seedStore, STAFF_NAMES } from './seed.js'
import { BatchBookStore } from './store.js'
import { seedVolume } from './volume.js'

export { BatchBookStore } from './store.js'
export type * from './store.js'
export type * from './model.js'

export interface BatchBookSimulatorOptions {
  /** API tokens accepted as the Basic user name (any password, including empty). */
  tokens: string[]
  /** Default the documented limit (DEFAULT_BATCHBOOK_LIMIT, 1 request/second per token); false = unlimited (benchmarks). */
  limit?: RollingWindowLimit | false
  /** Load the realistic seed data (default true); false starts empty. */
  seed?: boolean
  /**
   * Generate more communications on top of the seed (only `communications` and `asOf` apply
   * here): 100,000 take about a second. Needs the seed.
   */
  volume?: SandboxVolume
  /** The time of its limiter, request log and records (the real clock unless given). */
  clock?: Clock
  /**
   * The most communications one page gives, whatever `limit` asks. The documented default is
   * 10 and no maximum is documented: unset, any limit is honoured; tests set it to play an
   * upstream that caps pages (10: one that ignores `limit`).
   */
  maxPageSize?: number
}

export interface BatchBookSimulator extends SimulatorFrame {
  store: BatchBookStore
}

export function createBatchBookSimulator(options: BatchBookSimulatorOptions): BatchBookSimulator {
  // Each token belongs to a user: the first to the first staff member, and so on.
  const users = new Map(options.tokens.map((token, i) => [token, STAFF_NAMES[i % STAFF_NAMES.length] as string]))
  const frame = createSimulatorFrame({
    name: 'batchbook',
    // The token is the user name; the password is ignored (`TOKEN:x` and `TOKEN:` both work).
    authenticate: (user) => (users.has(user) ? user : null),
    limit: options.limit ?? DEFAULT_BATCHBOOK_LIMIT,
    // The over-limit answer is not documented; the simulator picks 503 with Retry-After.
    limitedStatus: 503,
    contentType: XML_CONTENT_TYPE,
    resetPreamble: RESET_PREAMBLE,
    // Rails' `request_http_basic_authentication` answer, realm included.
    unauthorized: (reply) =>
      reply
        .code(401)
        .header('www-authenticate', 'Basic realm="Application"')
        .type('text/html; charset=utf-8')
        .send('HTTP Basic: Access denied.\n'),
    clock: options.clock,
  })

  const clock = options.clock ?? realClock
  const store = new BatchBookStore({ now: () => clock.now() })
  if (options.seed !== false) seedStore(store)
  if (options.volume !== undefined) {
    if (options.seed === false) throw new RangeError('volume needs the seed data (its contacts and tags)')
    seedVolume(
      store,
      resolveVolume(options.volume, () => clock.now()),
    )
  }
  const context: RouteContext = {
    store,
    userFor: (credential) => users.get(credential) ?? (STAFF_NAMES[0] as string),
    ...(options.maxPageSize === undefined ? {} : { maxPageSize: options.maxPageSize }),
  }

  frame.app.setNotFoundHandler((_request, reply) => sendNotFound(reply))
  frame.app.register(async (api) => serviceApi(api, context))
  return { ...frame, store }
}

/** The `/service` routes, in their own context so their body parsing stays out of the control API. */
async function serviceApi(api: FastifyInstance, context: RouteContext): Promise<void> {
  // Bodies reach the routes as text, whatever they claim to be: XML and form bodies are told
  // apart by Content-Type (or by a leading `<` when it is missing or vague).
  api.removeAllContentTypeParsers()
  api.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body))

  api.setErrorHandler((error: FastifyError | RequestError, _request, reply) => {
    if (error instanceof RequestError) return sendErrors(reply, error.status, error.messages)
    const status = error.statusCode ?? 500
    // Fastify's own client errors (body too large, bad media type) keep their status.
    if (status >= 400 && status < 500) return sendErrors(reply, status, [error.message])
    return reply
      .code(500)
      .type('text/html; charset=utf-8')
      .send("<!DOCTYPE html>\n<html><body><h1>We're sorry, but something went wrong.</h1></body></html>\n")
  })

  communicationRoutes(api, context)
  participantRoutes(api, context)
  tagRoutes(api, context)
  commentRoutes(api, context)
}
