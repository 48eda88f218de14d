/**
 * The one place where transport failures and upstream HTTP statuses become problems.
 * Adapters never map statuses themselves; they only add the upstream's own message.
 */
import { errors as undiciErrors } from 'undici'
import {
  ProblemError,
  upstreamAuthFailed,
  upstreamFailed,
  upstreamNotFound,
  upstreamRateLimited,
  upstreamRejected,
  upstreamTimeout,
  upstreamUnavailable,
  upstreamUnreachable,
} from '../errors.js'

export interface UpstreamFailureContext {
  source: string
  connection: string
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
])

/** A failure before a complete answer arrived: timeout, refused, reset, DNS. */
export function transportFailure(err: unknown, ctx: UpstreamFailureContext, deadlineHit: boolean): ProblemError {
  if (err instanceof ProblemError) return err
  const code = (err as { code?: string } | null)?.code
  if (deadlineHit || (code !== undefined && TIMEOUT_CODES.has(code)) || isTimeoutError(err)) {
    return upstreamTimeout(ctx.connection, ctx.source, err)
  }
  return upstreamUnreachable(ctx.connection, ctx.source, code, err)
}

function isTimeoutError(err: unknown): boolean {
  return (
    err instanceof undiciErrors.ConnectTimeoutError ||
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    (err instanceof Error && err.name === 'TimeoutError')
  )
}

/** Parses `Retry-After` (seconds or an HTTP date) into whole seconds, at least 1. */
export function retryAfterSeconds(value: string | string[] | undefined, now: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value
  if (raw === undefined || raw.trim() === '') return undefined
  const trimmed = raw.trim()
  if (/^\d+$/.test(trimmed)) return Math.max(1, Number(trimmed))
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return undefined
  return Math.max(1, Math.ceil((at - now) / 1000))
}

/**
 * Maps a non-2xx upstream answer. `message` is the upstream's own explanation when the
 * adapter could read one (only ever shown for 422s, where it helps the caller fix input).
 */
export function statusFailure(
  status: number,
  ctx: UpstreamFailureContext,
  retryAfterHeader: string | string[] | undefined,
  message: string | undefined,
  now: number,
): ProblemError {
  const retryAfter = retryAfterSeconds(retryAfterHeader, now)
  if (status === 401 || status === 403) {
    return upstreamAuthFailed(ctx.connection, ctx.source, status)
  }
  if (status === 404 || status === 410) {
    return upstreamNotFound(ctx.connection, ctx.source, status)
  }
  if (status === 400 || status === 409 || status === 422) {
    return upstreamRejected(ctx.connection, ctx.source, status, message)
  }
  if (status === 429) {
    return upstreamRateLimited(ctx.connection, ctx.source, status, retryAfter ?? 1)
  }
  if (status === 503) {
    return upstreamUnavailable(ctx.connection, ctx.source, status, retryAfter)
  }
  return upstreamFailed(ctx.connection, ctx.source, status)
}
