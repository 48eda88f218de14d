/**
 * Once an upstream accepted a write, its answer never waits long for budget: the rest of the
 * request (participants, tags, the read-back) goes in the committed lane, which is never
 * refused but can wait a long time behind the budget (Snappy's 200 a minute spent: up to a
 * minute). The bound is `RATE_LIMIT_MAX_WAIT_MS` plus one interval of the connection (the wait
 * its next call needs at best), counted from the acceptance; a call on its way at that moment
 * is waited for (that is the upstream answering, not the budget). Past it the client hears
 * `202 WriteAccepted` naming the step still under way (and where the record will be, when
 * known), and the handler goes on: the step completes, the store is updated and the
 * record's event is recorded as usual. Its own answer, or a failure after the early one, is
 * then only logged.
 */
import type { Timer } from '../clock.js'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify'
import fp from 'fastify-plugin'
import { WRITE_METHODS } from '../rules.js'
import { currentContext, type RequestContext } from '../request-context.js'
import type { WriteAccepted } from '../schemas/message.js'
import { describeDuration } from '../durations.js'

declare module 'fastify' {
  interface FastifyRequest {
    writeDeadline: Timer | null
  }
}

/** How often the deadline looks again while a call is on its way. */
const RECHECK_MS = 25

interface WriteDeadlineOptions {
  /** `RATE_LIMIT_MAX_WAIT_MS`. */
  maxWaitMs: number
  /** The spacing of a connection's calls (its window over its limit, with the margin). */
  intervalOf(connection: string): number
}

/** The step named when the adapter named none: after a write, what is left is reading it back. */
const DEFAULT_STEP = 'read-back'

function answerEarly(request: FastifyRequest, reply: FastifyReply, context: RequestContext, boundMs: number): void {
  if (reply.sent) return
  if (context.inCall > 0) {
    request.writeDeadline = request.server.clock.setTimeout(
      () => answerEarly(request, reply, context, boundMs),
      RECHECK_MS,
    )
    return
  }
  const connection = [...context.connections][0] ?? '-'
  const step = context.step ?? DEFAULT_STEP
  context.warnings.push({
    source: connection,
    connection,
    step,
    code: 'step_pending',
    detail: `still under way after ${describeDuration(boundMs)}; it completes in the background`,
  })
  const body: WriteAccepted = {
    status: 'accepted',
    detail:
      `${connection} accepted the write; its ${step} step was still waiting for budget after ${describeDuration(boundMs)} ` +
      'and completes in the background (its event follows in the change feed). Do not retry the write.',
    requestId: request.id,
    warnings: context.warnings,
  }
  if (context.location !== null) void reply.header('location', context.location)
  void reply.code(202).type('application/json; charset=utf-8').send(body)
}

async function writeDeadline(app: FastifyInstance, options: WriteDeadlineOptions): Promise<void> {
  app.decorateRequest('writeDeadline', null)

  // A write route's handler may still finish after the early answer: what it returns then is
  // not sent again, and what it throws is only logged.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    if (!methods.some((m) => WRITE_METHODS.has(m))) return
    const handler = route.handler as RouteHandlerMethod
    route.handler = async function (this: FastifyInstance, request, reply) {
      try {
        const result = await handler.call(this, request, reply)
        return reply.sent ? undefined : result
      } catch (err) {
        if (!reply.sent) throw err
        request.log.warn({ err }, 'a step of a write answered early failed')
        return undefined
      }
    } as RouteHandlerMethod
  })

  app.addHook('preHandler', (request, reply, done) => {
    const context = currentContext()
    // A queued operation's run has no client waiting on it: it runs to its end.
    if (context !== undefined && WRITE_METHODS.has(request.method) && request.operationRun === null) {
      context.onCommitted = () => {
        if (request.writeDeadline !== null) return
        const interval = Math.max(0, ...[...context.connections].map((c) => options.intervalOf(c)))
        // The step granted at the earliest (one interval on) is on its way by then: a moment past it.
        const boundMs = options.maxWaitMs + interval + RECHECK_MS
        request.writeDeadline = app.clock.setTimeout(() => answerEarly(request, reply, context, boundMs), boundMs)
      }
    }
    done()
  })

  app.addHook('onResponse', (request, _reply, done) => {
    if (request.writeDeadline !== null) app.clock.clearTimeout(request.writeDeadline)
    done()
  })
}

export default fp(writeDeadline, { name: 'write-deadline', dependencies: ['request-context', 'auth'] })
