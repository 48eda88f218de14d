/** Response-schema helpers so every route documents its problems the same way. */
import { ERROR_CODES, type ErrorCode } from '../errors.js'

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is not valid (problem codes `validation_failed`, `invalid_id`, `invalid_cursor`).',
  401: 'No valid API key was sent (`unauthorized`).',
  403: 'The API key may not use that connection (`forbidden_connection`).',
  404: 'No such record or route (`not_found`).',
  405: 'The source cannot perform this operation (`unsupported_by_source`), or the path does not have this method (`method_not_allowed`); `Allow` lists the methods it has.',
  408: 'The request did not arrive in time (`request_timeout`).',
  409: 'A request with the same `Idempotency-Key` is still running (`idempotency_key_in_use`).',
  413: 'The request body is too large (`payload_too_large`).',
  414: 'A path parameter is longer than the gateway accepts (`uri_too_long`).',
  415: 'The request body has an unsupported media type (`unsupported_media_type`).',
  422: 'The upstream rejected the request (`upstream_rejected`), or an `Idempotency-Key` was reused with another body (`idempotency_key_reused`).',
  429: 'The rate budget is exhausted; retry after `Retry-After` seconds (`rate_limited`).',
  431: 'The request headers are larger than the server accepts (`headers_too_large`).',
  500: 'Unexpected error (`internal_error`).',
  502: 'The upstream failed or sent something unreadable (`upstream_unavailable`, `upstream_bad_response`, `upstream_auth_failed`, `upstream_response_too_large`).',
  503: 'The upstream is unavailable or its circuit is open (`upstream_unavailable`, `circuit_open`).',
  504: 'The upstream did not answer in time (`upstream_timeout`).',
}

export interface ProblemResponse {
  description: string
  content: { 'application/problem+json': { schema: { $ref: string } } }
  headers?: Record<string, { type: 'string'; description: string }>
}

/** Every 405 says what the resource does allow. */
const ALLOW_HEADER = {
  Allow: { type: 'string' as const, description: 'The methods the resource supports (for this source), comma-separated; empty when none.' },
}

export function problemResponses(...statuses: number[]): Record<number, ProblemResponse> {
  const out: Record<number, ProblemResponse> = {}
  for (const status of statuses) {
    out[status] = {
      description: DESCRIPTIONS[status] ?? 'Problem',
      content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } },
      ...(status === 405 ? { headers: ALLOW_HEADER } : {}),
    }
  }
  return out
}

/** The problems any route that calls an upstream can answer. */
export const UPSTREAM_PROBLEMS = [400, 401, 403, 429, 500, 502, 503, 504]

export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status
}

/**
 * What every write route may answer besides its success: 202 when the upstream accepted the
 * write but a later step failed (see the problems plugin), and 422 for an upstream refusal.
 */
export const WRITE_RESPONSES = {
  202: {
    description:
      'The upstream accepted the write, but a later step (reading the record back) did not complete: the write is done, do not retry it (`WriteAccepted`, with `warnings`).',
    content: { 'application/json': { schema: { $ref: 'WriteAccepted#' } } },
  },
  ...problemResponses(422),
}
