/**
 * Every error code Switchboard answers with, in one place. Each code has one HTTP status and
 * one title (`alsoStatus`: the other status a code may take); `detail` says what happened this
 * time. Codes are stable: clients switch on them. Errors are built only by the factories below
 * (one per kind, as @fastify/reply-from's lib/errors.js does), and the OpenAPI document's error
 * responses are generated from this table (src/schemas/responses.ts), so neither can drift.
 */
export const ERROR_CODES = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  invalid_id: { status: 400, title: 'The identifier is not valid' },
  invalid_cursor: { status: 400, title: 'The cursor is not valid' },
  unauthorized: { status: 401, title: 'A valid API key is required' },
  forbidden_connection: { status: 403, title: 'This API key may not use that connection' },
  not_found: { status: 404, title: 'Not found' },
  unsupported_by_source: { status: 405, title: 'The source cannot perform this operation' },
  method_not_allowed: { status: 405, title: 'The resource does not have this method' },
  request_timeout: { status: 408, title: 'The request did not arrive in time' },
  idempotency_key_in_use: { status: 409, title: 'A request with this Idempotency-Key is still running' },
  operation_not_cancelable: { status: 409, title: 'The operation is no longer queued' },
  idempotency_outcome_unknown: {
    status: 409,
    title: 'The write first sent with this Idempotency-Key may or may not have been made',
  },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  uri_too_long: { status: 414, title: 'A path parameter is too long' },
  unsupported_media_type: { status: 415, title: 'The request body has an unsupported media type' },
  cursor_expired: { status: 410, title: 'The cursor is older than the event log keeps' },
  idempotency_key_reused: { status: 422, title: 'This Idempotency-Key was used with a different request' },
  upstream_rejected: { status: 422, title: 'The upstream service rejected the request' },
  rate_limited: { status: 429, title: 'The upstream rate budget is exhausted' },
  operation_queue_full: { status: 429, title: 'Too many operations are queued' },
  headers_too_large: { status: 431, title: 'The request headers are too large' },
  internal_error: { status: 500, title: 'Internal error' },
  upstream_unavailable: { status: 502, alsoStatus: 503, title: 'The upstream service is unavailable' },
  upstream_bad_response: { status: 502, title: 'The upstream service sent a response that cannot be read' },
  upstream_response_too_large: { status: 502, title: 'The upstream response is larger than allowed' },
  upstream_auth_failed: { status: 502, title: 'The upstream service rejected our credentials' },
  circuit_open: { status: 503, title: 'The upstream connection is paused after repeated failures' },
  store_unavailable: { status: 503, title: 'Shared state is unreachable' },
  overloaded: { status: 503, title: 'The gateway is overloaded' },
  shutting_down: { status: 503, title: 'The gateway is shutting down' },
  replica_not_ready: { status: 503, title: 'The synced replica cannot answer this yet' },
  upstream_timeout: { status: 504, title: 'The upstream service did not answer in time' },
} as const satisfies Record<string, { status: number; alsoStatus?: number; title: string }>

export type ErrorCode = keyof typeof ERROR_CODES

/** Problem type URIs are stable, absolute and not meant to be fetched. */
function problemType(code: ErrorCode): string {
  return `urn:switchboard:problem:${code}`
}

export interface UpstreamRef {
  source: string
  /** The upstream's HTTP status, or null when none was received (timeout, reset). */
  status: number | null
}

export interface ProblemOptions {
  /** Overrides the code's default status where the code allows a range (502/503). */
  status?: number
  upstream?: UpstreamRef
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number
  /** Field-level details for validation problems. */
  errors?: FieldError[]
  /** For a 405: the methods the resource does support, sent as `Allow` (empty: none). */
  allow?: readonly string[]
  cause?: unknown
}

/** An error that becomes an RFC 9457 problem response. */
export class ProblemError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly upstream: UpstreamRef | undefined
  readonly retryAfter: number | undefined
  readonly errors: ProblemOptions['errors']
  readonly allow: readonly string[] | undefined

  constructor(code: ErrorCode, detail: string, options: ProblemOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ProblemError'
    this.code = code
    this.status = options.status ?? ERROR_CODES[code].status
    this.upstream = options.upstream
    this.retryAfter = options.retryAfter
    this.errors = options.errors
    this.allow = options.allow
  }
}

/** One offending field: where (`body/kind`), what is wrong with it, and the values it takes when they are few. */
export type FieldError = { path: string; message: string; allowed?: string[] }

const upstreamOf = (source: string, status: number | null): UpstreamRef => ({ source, status })

// The factories, one per kind of error, grouped by status. Every ProblemError is built here.

/** 400: the request breaks a rule; `errors` names the fields. */
export function validationFailed(detail: string, errors?: FieldError[]): ProblemError {
  return new ProblemError('validation_failed', detail, errors === undefined ? {} : { errors })
}

/** 400: one field is not valid (`path` as in validation errors: `querystring/q`, `body/tags`). */
export function invalidField(path: string, message: string, detail = `${path} ${message}`): ProblemError {
  return validationFailed(detail, [{ path, message }])
}

/** 400: a connection named in a request field is not configured (or of another source). */
export function unknownConnectionField(connection: string, field: string, source?: string): ProblemError {
  const what = source === undefined ? 'connection' : `${source} connection`
  return invalidField(field, `unknown ${what}`, `There is no ${what} named '${connection}'`)
}

/** 400: what Node's HTTP parser could not read. */
export function malformedRequest(): ProblemError {
  return validationFailed('The request is not well-formed HTTP')
}

/** 400: a path with a bad percent-encoding. */
export function badUrl(): ProblemError {
  return validationFailed('The path is not a valid URL (a bad percent-encoding)')
}

/** 400: an id that does not decode, or names something else than it should. */
export function invalidId(detail: string): ProblemError {
  return new ProblemError('invalid_id', detail)
}

/** 400: a cursor this API did not issue (for this list or query). */
export function invalidCursor(detail = 'The cursor is not one this API issued; start again without it'): ProblemError {
  return new ProblemError('invalid_cursor', detail)
}

/** 401: no API key, or not a valid one. */
export function unauthorized(detail: string): ProblemError {
  return new ProblemError('unauthorized', detail)
}

/** 403: the caller's key may not use this connection. */
export function forbiddenConnection(connection: string): ProblemError {
  return new ProblemError('forbidden_connection', `This API key may not use the connection '${connection}'`)
}

/** 403: the caller's key may use no connection of this source. */
export function noUsableConnection(source: string): ProblemError {
  return new ProblemError('forbidden_connection', `This API key may not use any ${source} connection`)
}

/** 404: no such record (`upstream` when an upstream said so). */
export function notFound(detail: string, upstream?: UpstreamRef): ProblemError {
  return new ProblemError('not_found', detail, upstream === undefined ? {} : { upstream })
}

/** 404: an upstream has no such record (it answered `status`, or 200 without the record). */
export function upstreamNotFound(connection: string, source: string, status: number, what = 'record'): ProblemError {
  return notFound(`${connection} has no such ${what}`, upstreamOf(source, status))
}

/** 404: an id names a connection that is not configured. */
export function noSuchConnection(connection: string, source?: string): ProblemError {
  return notFound(`There is no ${source === undefined ? '' : `${source} `}connection named '${connection}'`)
}

/** 404: no route at this path. */
export function noRoute(method: string, path: string): ProblemError {
  return notFound(`No route for ${method} ${path}`)
}

/** 405: the source cannot do this; `allow` lists what the resource can do for it (default: the path's other methods). */
export function unsupportedBySource(detail: string, allow?: readonly string[]): ProblemError {
  return new ProblemError('unsupported_by_source', detail, allow === undefined ? {} : { allow })
}

/** 405: the path does not take this method. */
export function methodNotAllowed(method: string, path: string, allow: readonly string[]): ProblemError {
  return new ProblemError('method_not_allowed', `${path} does not take ${method}; it takes ${allow.join(', ')}`, {
    allow,
  })
}

/** 408: the request did not arrive in time. */
export function requestTimeout(): ProblemError {
  return new ProblemError('request_timeout', 'The request did not arrive in time')
}

/** 409: a request with the same Idempotency-Key is still running. */
export function idempotencyKeyInUse(): ProblemError {
  return new ProblemError(
    'idempotency_key_in_use',
    'A request with this Idempotency-Key is still running; retry when it has finished',
  )
}

/**
 * 409: the request first sent with this key had its upstream write out when the gateway
 * handling it stopped: whether the upstream made it is unknown, and the key never writes again.
 */
export function idempotencyOutcomeUnknown(writingAt: number): ProblemError {
  return new ProblemError(
    'idempotency_outcome_unknown',
    `The request first sent with this Idempotency-Key reached the upstream at ${new Date(writingAt).toISOString()}, ` +
      'and the gateway handling it stopped before the answer arrived: the write may or may not have been made. ' +
      'Read the record (or list the records changed since then) to see; this key will never write again. ' +
      'To make the write anyway, send it with a new Idempotency-Key.',
  )
}

/** 413: the body is larger than allowed. */
export function payloadTooLarge(detail: string): ProblemError {
  return new ProblemError('payload_too_large', detail)
}

/** 413: an uploaded file over the configured bound. */
export function fileTooLarge(maxBytes: number): ProblemError {
  return payloadTooLarge(`The file is larger than the ${maxBytes} bytes this gateway accepts`)
}

/** 414: a path parameter over the router's bound. */
export function uriTooLong(): ProblemError {
  return new ProblemError('uri_too_long', 'A path parameter is longer than this gateway accepts')
}

/** 415: a body of a media type the route does not take. */
export function unsupportedMediaType(
  detail = 'Send the body as application/json (a document upload as multipart/form-data)',
): ProblemError {
  return new ProblemError('unsupported_media_type', detail)
}

/** 422: the Idempotency-Key was used with another request. */
export function operationNotCancelable(state: string): ProblemError {
  return new ProblemError(
    'operation_not_cancelable',
    `The operation is ${state}: only a queued operation can be canceled`,
  )
}

export function operationQueueFull(whose: string, limit: number, retryAfter: number): ProblemError {
  return new ProblemError(
    'operation_queue_full',
    `${whose} already has ${limit} operations queued or running, as many as it may; retry when some have run`,
    { retryAfter },
  )
}

export function idempotencyKeyReused(): ProblemError {
  return new ProblemError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request')
}

/** 422: the upstream refused the request (its own `message` when it gave one). */
export function upstreamRejected(connection: string, source: string, status: number, message?: string): ProblemError {
  return new ProblemError('upstream_rejected', message ?? `${connection} rejected the request`, {
    upstream: upstreamOf(source, status),
  })
}

/** 429: the connection's rate budget cannot serve the request in time. */
export function rateLimited(connection: string, source: string, retryAfter: number): ProblemError {
  return new ProblemError('rate_limited', `The rate budget of ${connection} is exhausted; retry in ${retryAfter} s`, {
    retryAfter,
    upstream: upstreamOf(source, null),
  })
}

/** 429: the upstream itself asked us to slow down. */
export function upstreamRateLimited(
  connection: string,
  source: string,
  status: number,
  retryAfter: number,
): ProblemError {
  return new ProblemError('rate_limited', `${connection} asked us to slow down`, {
    upstream: upstreamOf(source, status),
    retryAfter,
  })
}

/** 431: request headers over Node's bound. */
export function headersTooLarge(): ProblemError {
  return new ProblemError('headers_too_large', 'The request headers are larger than this server accepts')
}

/** 500: anything unexpected; the cause is logged, never answered. */
export function internalError(cause: unknown): ProblemError {
  return new ProblemError('internal_error', 'An unexpected error occurred; quote the requestId when reporting it', {
    cause,
  })
}

/** 502: the upstream could not be reached (refused, reset, DNS). */
export function upstreamUnreachable(
  connection: string,
  source: string,
  code: string | undefined,
  cause: unknown,
): ProblemError {
  return new ProblemError(
    'upstream_unavailable',
    `${connection} could not be reached (${code ?? 'connection failed'})`,
    {
      upstream: upstreamOf(source, null),
      cause,
    },
  )
}

/** 502: the upstream answered with a failure status. */
export function upstreamFailed(connection: string, source: string, status: number): ProblemError {
  return new ProblemError('upstream_unavailable', `${connection} answered ${status}`, {
    upstream: upstreamOf(source, status),
  })
}

/** 503: the upstream said it is unavailable (with its `Retry-After`, when it gave one). */
export function upstreamUnavailable(
  connection: string,
  source: string,
  status: number,
  retryAfter?: number,
): ProblemError {
  return new ProblemError('upstream_unavailable', `${connection} is unavailable`, {
    upstream: upstreamOf(source, status),
    status: 503,
    ...(retryAfter === undefined ? {} : { retryAfter }),
  })
}

/** 502: an upstream answer that cannot be read or used; `detail` follows the connection's name. */
export function badUpstreamResponse(
  connection: string,
  source: string,
  status: number,
  detail: string,
  cause?: unknown,
): ProblemError {
  return new ProblemError('upstream_bad_response', `${connection} ${detail}`, {
    upstream: upstreamOf(source, status),
    ...(cause === undefined ? {} : { cause }),
  })
}

/** 502: an upstream answer over the configured bound. */
export function upstreamResponseTooLarge(
  connection: string,
  source: string,
  status: number,
  maxBytes: number,
): ProblemError {
  return new ProblemError('upstream_response_too_large', `${connection} sent more than ${maxBytes} bytes`, {
    upstream: upstreamOf(source, status),
  })
}

/** 502: the upstream refused the configured credentials. */
export function upstreamAuthFailed(connection: string, source: string, status: number): ProblemError {
  return new ProblemError('upstream_auth_failed', `${connection} rejected the configured credentials`, {
    upstream: upstreamOf(source, status),
  })
}

/** 503: the connection's circuit is open. */
export function circuitOpen(connection: string, source: string, retryAfter: number): ProblemError {
  return new ProblemError('circuit_open', `${connection} is paused after repeated failures`, {
    retryAfter,
    upstream: upstreamOf(source, null),
  })
}

/** 503: shared state (Redis) cannot be reached for something that needs it. */
export function storeUnavailable(detail: string, retryAfter: number, cause?: unknown): ProblemError {
  return new ProblemError('store_unavailable', detail, { retryAfter, ...(cause === undefined ? {} : { cause }) })
}

/** 503: load shedding. */
export function overloaded(detail: string, retryAfter: number): ProblemError {
  return new ProblemError('overloaded', detail, { retryAfter })
}

/** 503: the request arrived while the gateway drains. */
/** 410: a feed cursor from before the retention removed its events. */
export function cursorExpired(retentionDays: number): ProblemError {
  return new ProblemError(
    'cursor_expired',
    `Events are kept for ${retentionDays} days and this cursor is older: some events after it are gone. Start again without a cursor, and resynchronize from the records themselves.`,
  )
}

/** What only the replica can answer (a message search), asked before its backfill is done. */
export function replicaNotReady(detail: string, retryAfter: number): ProblemError {
  return new ProblemError('replica_not_ready', detail, { retryAfter })
}

export function shuttingDown(retryAfter: number): ProblemError {
  return new ProblemError('shutting_down', 'The gateway is shutting down and did not process this request; retry it', {
    retryAfter,
  })
}

/** 504: the upstream did not answer before the deadline. */
export function upstreamTimeout(connection: string, source: string, cause?: unknown): ProblemError {
  return new ProblemError('upstream_timeout', `${connection} did not answer in time`, {
    upstream: upstreamOf(source, null),
    ...(cause === undefined ? {} : { cause }),
  })
}

/** @fastify/multipart's errors as problems; undefined when `err` is not one of them. */
export function multipartProblem(err: unknown, maxBytes: number): ProblemError | undefined {
  const code = (err as { code?: unknown } | null)?.code
  if (code === 'FST_REQ_FILE_TOO_LARGE') return fileTooLarge(maxBytes)
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT')
    return payloadTooLarge('The upload has too many parts')
  if (typeof code === 'string' && code.startsWith('FST_')) return validationFailed('The multipart body cannot be read')
  return undefined
}

/** The statuses a code is answered with (its own, and `alsoStatus`). */
function statusesOf(code: ErrorCode): number[] {
  const entry: { status: number; alsoStatus?: number } = ERROR_CODES[code]
  return entry.alsoStatus === undefined ? [entry.status] : [entry.status, entry.alsoStatus]
}

/** Every code answered with `status`, in table order. */
export function codesOf(status: number): ErrorCode[] {
  return (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => statusesOf(code).includes(status))
}

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  code: ErrorCode
  requestId: string
  instance?: string
  upstream?: UpstreamRef
  errors?: Array<{ path: string; pointer: string; message: string; allowed?: string[] }>
}

/** An RFC 6901 pointer into the request from a field's path (`body/tags/0` → `/body/tags/0`). */
function pointerOf(path: string): string {
  const segments = path.split('/').filter((s) => s !== '')
  return `/${segments.map((s) => s.replaceAll('~', '~0')).join('/')}`
}

export function problemBody(error: ProblemError, requestId: string, instance?: string): ProblemBody {
  const body: ProblemBody = {
    type: problemType(error.code),
    title: ERROR_CODES[error.code].title,
    status: error.status,
    detail: error.message,
    code: error.code,
    requestId,
  }
  if (instance !== undefined) body.instance = instance
  if (error.upstream !== undefined) body.upstream = error.upstream
  if (error.errors !== undefined)
    body.errors = error.errors.map((e) => ({
      path: e.path,
      pointer: pointerOf(e.path),
      message: e.message,
      ...(e.allowed === undefined ? {} : { allowed: e.allowed }),
    }))
  return body
}
