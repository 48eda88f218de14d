/**
 * Every error code Switchboard answers with, in one place. Each code has one HTTP status and
 * one title; `detail` says what happened this time. Codes are stable: clients switch on them.
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
  payload_too_large: { status: 413, title: 'The request body is too large' },
  uri_too_long: { status: 414, title: 'A path parameter is too long' },
  unsupported_media_type: { status: 415, title: 'The request body has an unsupported media type' },
  idempotency_key_reused: { status: 422, title: 'This Idempotency-Key was used with a different request' },
  upstream_rejected: { status: 422, title: 'The upstream service rejected the request' },
  rate_limited: { status: 429, title: 'The upstream rate budget is exhausted' },
  headers_too_large: { status: 431, title: 'The request headers are too large' },
  internal_error: { status: 500, title: 'Internal error' },
  upstream_unavailable: { status: 502, title: 'The upstream service is unavailable' },
  upstream_bad_response: { status: 502, title: 'The upstream service sent a response that cannot be read' },
  upstream_response_too_large: { status: 502, title: 'The upstream response is larger than allowed' },
  upstream_auth_failed: { status: 502, title: 'The upstream service rejected our credentials' },
  circuit_open: { status: 503, title: 'The upstream connection is paused after repeated failures' },
  store_unavailable: { status: 503, title: 'Shared state is unreachable' },
  overloaded: { status: 503, title: 'The gateway is overloaded' },
  shutting_down: { status: 503, title: 'The gateway is shutting down' },
  upstream_timeout: { status: 504, title: 'The upstream service did not answer in time' },
} as const satisfies Record<string, { status: number; title: string }>

export type ErrorCode = keyof typeof ERROR_CODES

/** Problem type URIs are stable, absolute and not meant to be fetched. */
export function problemType(code: ErrorCode): string {
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
  errors?: Array<{ path: string; message: string }>
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

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  code: ErrorCode
  requestId: string
  instance?: string
  upstream?: UpstreamRef
  errors?: Array<{ path: string; message: string }>
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
  if (error.errors !== undefined) body.errors = error.errors
  return body
}
