/**
 * When and how long to wait before retrying an idempotent read: only after a connection
 * failure or an upstream 502/503/504, a bounded number of times, with full-jitter
 * exponential backoff (spreads retries of many callers instead of synchronising them).
 */
import type { ProblemError } from '../errors.js'

export interface RetryPolicy {
  /** Attempts in total, including the first. */
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 }

const RETRYABLE_STATUSES = new Set([502, 503, 504])

export function isRetryable(problem: ProblemError): boolean {
  if (problem.upstream === undefined) return false
  // No status: the connection failed before an answer (refused, reset, DNS). A timeout used
  // the whole deadline, so there is no time left to retry in.
  if (problem.upstream.status === null) return problem.code === 'upstream_unavailable'
  return RETRYABLE_STATUSES.has(problem.upstream.status)
}

/** Delay before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.floor(random() * ceiling)
}
