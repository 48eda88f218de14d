/**
 * Turns every error into an RFC 9457 problem (`application/problem+json`) with `code` and
 * `requestId`. Unknown errors are logged and answered without internals.
 */
import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import {
  type ErrorCode,
  ProblemError,
  badUrl,
  headersTooLarge,
  internalError,
  malformedRequest,
  methodNotAllowed,
  noRoute,
  payloadTooLarge,
  problemBody,
  requestTimeout,
  unsupportedMediaType,
  uriTooLong,
  validationFailed,
} from '../errors.js'
import { type RequestContext, currentContext } from '../request-context.js'
import { type AjvError, type SchemaLookup, fieldErrors } from '../validation-messages.js'
import type { WriteAccepted } from '../schemas/message.js'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

declare module 'fastify' {
  interface FastifyRequest {
    /** The code of the problem this request was answered with, for its completion log line. */
    problemCode: ErrorCode | null
  }
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: ProblemError): FastifyReply {
  request.problemCode = error.code
  if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter))
  if (error.status === 405) reply.header('allow', (error.allow ?? otherMethods(request)).join(', '))
  return reply
    .code(error.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problemBody(error, request.id, pathOf(request)))
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '/'
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/** The methods some route answers at this path (Fastify's router, as it would route them). */
function methodsAt(app: FastifyInstance, path: string): string[] {
  try {
    // An undecodable path matches nothing; the router would answer it with its bad-URL handler.
    decodeURIComponent(path)
  } catch {
    return []
  }
  return METHODS.filter((method) => app.findRoute({ method, url: path }) !== null)
}

/** A 405 that did not say what is allowed: the path's other methods. */
function otherMethods(request: FastifyRequest): string[] {
  return methodsAt(request.server, pathOf(request)).filter((method) => method !== request.method)
}

function toProblem(error: FastifyError, lookup: SchemaLookup): ProblemError {
  if (error instanceof ProblemError) return error
  if (error.validation !== undefined) {
    const errors = fieldErrors(error.validationContext ?? 'request', error.validation as AjvError[], lookup)
    const [first] = errors
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more: see errors)` : ''
    const detail = first === undefined ? error.message : `${first.path} ${first.message}${more}`
    return validationFailed(detail, errors)
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge(error.message)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType()
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return uriTooLong()
    case 'FST_ERR_BAD_URL':
      return badUrl()
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return validationFailed(error.message)
  return internalError(error)
}

/**
 * An upstream accepted a write of this request and a later step failed: the client hears 202
 * with the failed step as a warning, never an error status that would invite a blind retry
 * of a write that is already done. Logged at `warn` by the request log.
 */
function sendAccepted(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: ProblemError,
  context: RequestContext,
): FastifyReply {
  const connection = [...context.connections][0] ?? '-'
  context.warnings.push({
    source: problem.upstream?.source ?? connection,
    connection,
    step: 'complete',
    code: problem.code,
    detail: problem.message,
  })
  const body: WriteAccepted = {
    status: 'accepted',
    detail: `${connection} accepted the write, but a later step did not complete: ${problem.message}`,
    requestId: request.id,
    warnings: context.warnings,
  }
  return reply.code(202).type('application/json; charset=utf-8').send(body)
}

async function problems(app: FastifyInstance): Promise<void> {
  app.decorateRequest('problemCode', null)
  // A discriminator's members are shared schemas: their tag values are read from them.
  const lookup: SchemaLookup = (ref) => app.getSchema(ref.replace(/#$/, ''))
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error, lookup)
    const context = currentContext()
    if (context?.accepted === true && problem.status >= 400) return sendAccepted(request, reply, problem, context)
    if (problem.status >= 500 && problem.code === 'internal_error') request.log.error({ err: error }, 'unhandled error')
    else if (problem.status >= 500)
      request.log.warn({ code: problem.code, upstream: problem.upstream }, problem.message)
    return sendProblem(request, reply, problem)
  })
  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request)
    const allow = methodsAt(app, path)
    // A route of this very method that calls not-found (a missing file under /docs) means 404.
    if (allow.length > 0 && !allow.includes(request.method)) {
      return sendProblem(request, reply, methodNotAllowed(request.method, path, allow))
    }
    return sendProblem(request, reply, noRoute(request.method, path))
  })
}

/**
 * Fastify answers a few errors before any route or hook runs (an over-long path parameter, an
 * undecodable URL) with its own plain JSON unless the `frameworkErrors` server option takes
 * them: given that, they are problems like every other error.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id)
  sendProblem(
    request,
    reply,
    toProblem(error, (ref) => request.server.getSchema(ref.replace(/#$/, ''))),
  )
}

/**
 * What Node's HTTP parser refuses (malformed HTTP, headers over its size limit) never reaches a
 * route or hook; wired as the `clientErrorHandler` server option, it is answered as a problem
 * too, on the socket, which is then closed. The request id is made here and logged with it.
 */
export function clientErrorProblem(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? headersTooLarge()
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? requestTimeout()
        : malformedRequest()
  const requestId = randomUUID()
  this.log.debug({ err: error, requestId }, 'client error')
  if (socket.writable) {
    const body = JSON.stringify(problemBody(problem, requestId))
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy(error)
}

export default fp(problems, { name: 'problems' })
