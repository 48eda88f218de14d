import { describe, expect, it } from 'vitest'
import { ProblemError } from '../../src/errors.js'
import { DEFAULT_RETRY_POLICY, backoffDelay, isRetryable } from '../../src/upstreams/retry.js'

const upstream = (status: number | null) => ({ source: 'snappy', status })

describe('retry policy', () => {
  it.each([
    ['a connection failure', new ProblemError('upstream_unavailable', 'x', { upstream: upstream(null) }), true],
    ['an upstream 502', new ProblemError('upstream_unavailable', 'x', { upstream: upstream(502) }), true],
    ['an upstream 503', new ProblemError('upstream_unavailable', 'x', { status: 503, upstream: upstream(503) }), true],
    ['an upstream 504', new ProblemError('upstream_unavailable', 'x', { upstream: upstream(504) }), true],
    ['an upstream 500', new ProblemError('upstream_unavailable', 'x', { upstream: upstream(500) }), false],
    ['a timeout', new ProblemError('upstream_timeout', 'x', { upstream: upstream(null) }), false],
    ['a 404', new ProblemError('not_found', 'x', { upstream: upstream(404) }), false],
    ['a refused budget', new ProblemError('rate_limited', 'x', { upstream: upstream(null) }), false],
    ['a gateway error', new ProblemError('validation_failed', 'x'), false],
  ])('retries %s: %s', (_what, problem, expected) => {
    expect(isRetryable(problem)).toBe(expected)
  })

  it('draws delays with full jitter under an exponential, capped ceiling', () => {
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, () => 0.999)).toBe(99)
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 3, () => 0.5)).toBe(200)
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 10, () => 0.999)).toBe(1998)
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 2, () => 0)).toBe(0)
  })
})
