/**
 * Response-schema helpers so every route documents its problems the same way. What each error
 * status means is generated from the code table in src/errors.ts (each status lists its codes),
 * with an example body per code built by the same factories that build real problems, so the
 * document cannot drift from what the gateway answers.
 */
import {
  ERROR_CODES,
  type ErrorCode,
  type ProblemBody,
  type ProblemError,
  badUpstreamResponse,
  circuitOpen,
  codesOf,
  fileTooLarge,
  forbiddenConnection,
  headersTooLarge,
  idempotencyKeyInUse,
  operationNotCancelable,
  operationQueueFull,
  idempotencyOutcomeUnknown,
  idempotencyKeyReused,
  internalError,
  invalidCursor,
  invalidField,
  invalidId,
  methodNotAllowed,
  overloaded,
  problemBody,
  rateLimited,
  requestTimeout,
  shuttingDown,
  cursorExpired,
  replicaNotReady,
  storeUnavailable,
  unauthorized,
  unsupportedBySource,
  unsupportedMediaType,
  upstreamAuthFailed,
  upstreamNotFound,
  upstreamRejected,
  upstreamResponseTooLarge,
  upstreamTimeout,
  upstreamUnavailable,
  upstreamUnreachable,
  uriTooLong,
} from '../errors.js'

/** Component names of the error statuses: RFC 9110's reason phrases. */
const STATUS_NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  408: 'RequestTimeout',
  409: 'Conflict',
  413: 'ContentTooLarge',
  414: 'UriTooLong',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableContent',
  429: 'TooManyRequests',
  431: 'RequestHeaderFieldsTooLarge',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
}

export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? `Status${status}`
}

/** What a status's headers tell (the codes themselves come from the table). */
const STATUS_NOTES: Record<number, string> = {
  405: '`Allow` lists the methods the resource has (for this source).',
  429: 'Retry after `Retry-After` seconds.',
  503: 'When `Retry-After` is sent, retry after that many seconds.',
}

/** "Problem codes: `a` (title), `b` (title)." and what the headers say, for one status. */
export function problemDescription(status: number): string {
  const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1)
  const codes = codesOf(status).map((code) => `\`${code}\` (${lowerFirst(ERROR_CODES[code].title)})`)
  const note = STATUS_NOTES[status]
  return `${codes.length === 1 ? 'Problem code' : 'Problem codes'}: ${codes.join(', ')}.${note === undefined ? '' : ` ${note}`}`
}

/**
 * An example of every code, built by its factory, for each status it is answered with. The
 * `satisfies` makes a new code in the table fail to compile until it has its example.
 */
const EXAMPLES = {
  validation_failed: [invalidField('querystring/limit', 'must be <= 100')],
  invalid_id: [invalidId("'msg_123' is not a valid message id")],
  invalid_cursor: [invalidCursor()],
  unauthorized: [unauthorized('The API key is not valid')],
  forbidden_connection: [forbiddenConnection('crm-eu')],
  not_found: [upstreamNotFound('batchbook', 'batchbook', 404)],
  unsupported_by_source: [unsupportedBySource('snappy cannot edit messages', ['GET', 'HEAD'])],
  method_not_allowed: [methodNotAllowed('PUT', '/v1/messages', ['GET', 'HEAD', 'POST'])],
  request_timeout: [requestTimeout()],
  idempotency_key_in_use: [idempotencyKeyInUse()],
  operation_not_cancelable: [operationNotCancelable('running')],
  idempotency_outcome_unknown: [idempotencyOutcomeUnknown(Date.parse('2026-11-27T10:15:02.000Z'))],
  payload_too_large: [fileTooLarge(104857600)],
  uri_too_long: [uriTooLong()],
  unsupported_media_type: [unsupportedMediaType()],
  cursor_expired: [cursorExpired(7)],
  idempotency_key_reused: [idempotencyKeyReused()],
  upstream_rejected: [upstreamRejected('batchbook', 'batchbook', 422, "Title can't be blank")],
  rate_limited: [rateLimited('batchbook', 'batchbook', 2)],
  operation_queue_full: [operationQueueFull('This API key', 100, 5)],
  headers_too_large: [headersTooLarge()],
  internal_error: [internalError(undefined)],
  upstream_unavailable: [
    upstreamUnreachable('snappy', 'snappy', 'ECONNREFUSED', undefined),
    upstreamUnavailable('snappy', 'snappy', 503, 30),
  ],
  upstream_bad_response: [
    badUpstreamResponse(
      'batchbook',
      'batchbook',
      200,
      'sent a response that cannot be read: unexpected end of document',
    ),
  ],
  upstream_response_too_large: [upstreamResponseTooLarge('snappy', 'snappy', 200, 8388608)],
  upstream_auth_failed: [upstreamAuthFailed('snappy', 'snappy', 401)],
  circuit_open: [circuitOpen('snappy', 'snappy', 10)],
  store_unavailable: [
    storeUnavailable('Idempotency records are unavailable right now; retry shortly with the same key', 1),
  ],
  overloaded: [overloaded('The gateway is overloaded (eventLoopDelay: 1200); retry shortly', 5)],
  shutting_down: [shuttingDown(1)],
  replica_not_ready: [
    replicaNotReady('Searching messages needs the synced replica of batchbook, whose backfill is still running', 30),
  ],
  upstream_timeout: [upstreamTimeout('batchbook', 'batchbook')],
} satisfies Record<ErrorCode, ProblemError[]>

/** The example bodies of one status, by code, as an OpenAPI `examples` map. */
export function problemExamples(status: number): Record<string, { summary: string; value: ProblemBody }> {
  const out: Record<string, { summary: string; value: ProblemBody }> = {}
  for (const code of codesOf(status)) {
    const example = (EXAMPLES[code] as ProblemError[]).find((e) => e.status === status)
    if (example !== undefined)
      out[code] = { summary: ERROR_CODES[code].title, value: problemBody(example, 'req-5f0c2a', '/v1/messages') }
  }
  return out
}

/** Whether a problem of this status can come after upstream calls (so it may carry their rate headers). */
export function followsUpstreamCalls(status: number): boolean {
  return codesOf(status).some((code) =>
    (EXAMPLES[code] as ProblemError[]).some((e) => e.status === status && e.upstream !== undefined),
  )
}

export interface ProblemResponse {
  description: string
  content: { 'application/problem+json': { schema: { $ref: string } } }
  headers?: Record<string, { type: 'string'; description: string }>
}

/** Every 405 says what the resource does allow. */
const ALLOW_HEADER = {
  Allow: {
    type: 'string' as const,
    description: 'The methods the resource supports (for this source), comma-separated; empty when none.',
  },
}

/**
 * The problem responses of a route. Fastify serializes problems with them; in the OpenAPI
 * document each becomes a `$ref` to the shared response of its status (src/plugins/openapi-responses.ts).
 */
export function problemResponses(...statuses: number[]): Record<number, ProblemResponse> {
  const out: Record<number, ProblemResponse> = {}
  for (const status of statuses) {
    out[status] = {
      description: problemDescription(status),
      content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } },
      ...(status === 405 ? { headers: ALLOW_HEADER } : {}),
    }
  }
  return out
}

/** The problems any route that calls an upstream can answer. */
export const UPSTREAM_PROBLEMS = [400, 401, 403, 429, 500, 502, 503, 504]

/**
 * What every write route may answer besides its success: 202 when the upstream accepted the
 * write but a later step failed (see the problems plugin), and 422 for an upstream refusal.
 */
export const WRITE_RESPONSES = {
  202: {
    description:
      'Either the upstream accepted the write but a later step (reading the record back) did not complete: the write is done, do not retry it (`WriteAccepted`, with `warnings`); ' +
      'or the write was queued as the request preferred (`Prefer: respond-async`): an `Operation`, at `Location`.',
    content: { 'application/json': { schema: { $ref: 'Accepted#' } } },
  },
  ...problemResponses(422),
}
