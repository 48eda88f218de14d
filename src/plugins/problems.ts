/**
 * Turns every error into an RFC 9457 problem (`application/problem+json`) with `code` and
 * `requestId`. Unknown errors are logged and answered without internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ProblemError, problemBody } from '../errors.js'
import { type RequestContext, currentContext } from '../request-context.js'
import type { WriteAccepted } from '../schemas/message.js'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: ProblemError): FastifyReply {
  if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter))
  return reply.code(error.status).type(PROBLEM_CONTENT_TYPE).send(problemBody(error, request.id, request.url.split('?')[0]))
}

function toProblem(error: FastifyError): ProblemError {
  if (error instanceof ProblemError) return error
  if (error.validation !== undefined) {
    const errors = error.validation.map((v) => ({
      path: `${error.validationContext ?? 'request'}${v.instancePath || ''}`,
      message: v.message ?? 'is invalid',
    }))
    const first = errors[0]
    const detail = first === undefined ? error.message : `${first.path} ${first.message}`
    return new ProblemError('validation_failed', detail, { errors })
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ProblemError('payload_too_large', error.message)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ProblemError('unsupported_media_type', error.message)
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return new ProblemError('validation_failed', error.message)
  return new ProblemError('internal_error', 'An unexpected error occurred; quote the requestId when reporting it', { cause: error })
}

/**
 * An upstream accepted a write of this request and a later step failed: the client hears 202
 * with the failed step as a warning, never an error status that would invite a blind retry
 * of a write that is already done. Logged at `warn` by the request log.
 */
function sendAccepted(request: FastifyRequest, reply: FastifyReply, problem: ProblemError, context: RequestContext): FastifyReply {
  const connection = [...context.connections][0] ?? '-'
  context.warnings.push({ source: problem.upstream?.source ?? connection, connection, step: 'complete', code: problem.code, detail: problem.message })
  const body: WriteAccepted = {
    status: 'accepted',
    detail: `${connection} accepted the write, but a later step did not complete: ${problem.message}`,
    requestId: request.id,
    warnings: context.warnings,
  }
  return reply.code(202).type('application/json; charset=utf-8').send(body)
}

async function problems(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error)
    const context = currentContext()
    if (context?.lane === 'committed' && problem.status >= 400) return sendAccepted(request, reply, problem, context)
    if (problem.status >= 500 && problem.code === 'internal_error') request.log.error({ err: error }, 'unhandled error')
    else if (problem.status >= 500) request.log.warn({ code: problem.code, upstream: problem.upstream }, problem.message)
    return sendProblem(request, reply, problem)
  })
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, new ProblemError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`)),
  )
}

export default fp(problems, { name: 'problems' })
