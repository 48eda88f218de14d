import { describe, expect, it } from 'vitest'
import { errors } from 'undici'
import { retryAfterSeconds, statusFailure, transportFailure } from '../../src/upstreams/failures.js'

const ctx = { source: 'snappy', connection: 'desk' }

/** A fixed instant (seconds aligned): HTTP dates have whole seconds. */
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0)

describe('upstream failure mapping', () => {
  it.each([
    [401, 'upstream_auth_failed', 502],
    [403, 'upstream_auth_failed', 502],
    [404, 'not_found', 404],
    [422, 'upstream_rejected', 422],
    [429, 'rate_limited', 429],
    [500, 'upstream_unavailable', 502],
    [502, 'upstream_unavailable', 502],
    [503, 'upstream_unavailable', 503],
  ])('maps upstream %i to %s (%i)', (status, code, gatewayStatus) => {
    const problem = statusFailure(status, ctx, undefined, undefined, NOW)
    expect(problem).toMatchObject({ code, status: gatewayStatus, upstream: { source: 'snappy', status } })
  })

  it('carries the upstream Retry-After on 429 and 503', () => {
    expect(statusFailure(429, ctx, '30', undefined, NOW).retryAfter).toBe(30)
    expect(statusFailure(503, ctx, '7', undefined, NOW).retryAfter).toBe(7)
  })

  it('passes the upstream message through on 422 only', () => {
    expect(statusFailure(422, ctx, undefined, 'ctype is invalid', NOW).message).toBe('ctype is invalid')
  })

  it('maps timeouts to 504 and connection failures to 502', () => {
    expect(transportFailure(new errors.HeadersTimeoutError(), ctx, false)).toMatchObject({
      code: 'upstream_timeout',
      status: 504,
    })
    expect(transportFailure(new Error('aborted'), ctx, true)).toMatchObject({ code: 'upstream_timeout', status: 504 })
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    expect(transportFailure(refused, ctx, false)).toMatchObject({
      code: 'upstream_unavailable',
      status: 502,
      upstream: { status: null },
    })
  })

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterSeconds('12', NOW)).toBe(12)
    expect(retryAfterSeconds(new Date(NOW + 3_000).toUTCString(), NOW)).toBe(3)
    expect(retryAfterSeconds('soon', NOW)).toBeUndefined()
    expect(retryAfterSeconds(undefined, NOW)).toBeUndefined()
  })
})
