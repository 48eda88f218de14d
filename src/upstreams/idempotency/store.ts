/**
 * Idempotency records for writes: the first request with a key reserves it, the finished
 * answer is kept (at least 24 hours), and a repeat with the same key and the same request
 * gets that answer again instead of a second upstream write.
 */
export interface StoredResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export type Reservation =
  /** The key is new: go ahead and call `complete` (or `release` on failure). */
  | { state: 'reserved' }
  /** Another request with this key is still running. */
  | { state: 'in-progress' }
  /** Done before: replay this answer. */
  | { state: 'completed'; response: StoredResponse }
  /** The key was used with a different request. */
  | { state: 'mismatch' }

export interface IdempotencyStore {
  /**
   * Atomically reserves `key` for a request whose fingerprint is `fingerprint`; `holder` names
   * the request, so that only its own reservation is ever released.
   */
  reserve(key: string, fingerprint: string, ttlMs: number, holder?: string): Promise<Reservation>
  complete(key: string, fingerprint: string, response: StoredResponse, ttlMs: number): Promise<void>
  /**
   * Forgets a reservation whose request failed before any upstream write, so it may be
   * retried: the one `holder` made, or any pending one when no holder is named.
   */
  release(key: string, holder?: string): Promise<void>
}

/** How long a finished answer is kept for replay. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000
/** How long a reservation holds a key while its request runs (longer than any request may take). */
export const IDEMPOTENCY_LOCK_MS = 5 * 60 * 1000
