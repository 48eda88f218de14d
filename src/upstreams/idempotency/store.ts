/**
 * Idempotency records for writes: the first request with a key reserves it, marks it
 * `writing` just before its first upstream write leaves, and keeps its finished answer (at
 * least 24 hours); a repeat with the same key and the same request gets that answer again
 * instead of a second upstream write.
 *
 * A reservation is held by its request (the holder: its process, then its own id) for a
 * lock time. A holder that died leaves its claim behind: once the lock has run out (at once,
 * when this gateway is configured as the only one and the claim is another process's, its
 * predecessor's), a claim that never wrote is taken over, and one whose write was out is
 * answered `unknown` for as long as the record lives: that write may or may not have been
 * made, and nothing may send it again on its own.
 */
export interface StoredResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export type Reservation =
  /** The key is new (or its holder died before writing): go ahead and call `complete` (or `release` on failure). */
  | { state: 'reserved' }
  /** Another request with this key is still running. */
  | { state: 'in-progress' }
  /** Done before: replay this answer. */
  | { state: 'completed'; response: StoredResponse }
  /** The key was used with a different request. */
  | { state: 'mismatch' }
  /** Its request sent the write at `writingAt` (epoch ms) and died before the answer came. */
  | { state: 'unknown'; writingAt: number }

export interface IdempotencyStore {
  /**
   * Atomically reserves `key` for a request whose fingerprint is `fingerprint`, for `lockMs`;
   * `holder` names the request (`process|request`), so that only its own reservation is ever
   * released or marked. `alone`: this gateway is the only one (see above).
   */
  reserve(key: string, fingerprint: string, lockMs: number, holder?: string, alone?: boolean): Promise<Reservation>
  /**
   * Records that the holder's upstream write is about to leave; resolves once that is durable,
   * and throws when it cannot be (then the write must not be sent).
   */
  markWriting(key: string, holder: string): Promise<void>
  complete(key: string, fingerprint: string, response: StoredResponse, ttlMs: number): Promise<void>
  /**
   * Forgets a reservation whose request failed before any upstream write, so it may be
   * retried: the one `holder` made, or any pending one when no holder is named.
   */
  release(key: string, holder?: string): Promise<void>
}

/** How long a finished answer (or an unknown outcome) is kept for replay. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000
/** How long a reservation holds a key while its request runs (longer than any request may take). */
export const IDEMPOTENCY_LOCK_MS = 5 * 60 * 1000

/** A record as every store keeps it. */
export interface HeldRecord {
  fingerprint: string
  holder: string | undefined
  response: StoredResponse | null
  lockedUntil: number
  /** When the holder's write left (epoch ms); null before. */
  writingAt: number | null
}

/** The process part of a holder (`process|request`). */
function processOf(holder: string | undefined): string {
  return (holder ?? '').split('|')[0] ?? ''
}

/** What a reservation meets in an existing record: an answer, or `take-over` (reserve it anew). */
export function verdictOn(
  existing: HeldRecord,
  fingerprint: string,
  holder: string | undefined,
  alone: boolean,
  now: number,
): Reservation | 'take-over' {
  if (existing.fingerprint !== fingerprint) return { state: 'mismatch' }
  if (existing.response !== null) return { state: 'completed', response: existing.response }
  const orphaned =
    existing.lockedUntil <= now ||
    (alone && holder !== undefined && existing.holder !== undefined && processOf(existing.holder) !== processOf(holder))
  if (!orphaned) return { state: 'in-progress' }
  return existing.writingAt === null ? 'take-over' : { state: 'unknown', writingAt: existing.writingAt }
}
