/**
 * The change feed's cursors and event types, shared by the feed's and the webhooks' records
 * (records/events.ts, records/webhooks.ts). Events are appended by the writer, in its
 * transaction (store/events.ts), and removed by retention (retention.ts).
 */
import { decodeOpaque, encodeOpaque } from '../cursor.js'
import { invalidCursor } from '../errors.js'

export { EVENT_TYPES } from '../store/events.js'

const FEED = 'events'

export function encodeFeedCursor(seq: number): string {
  return encodeOpaque({ k: FEED, s: seq })
}

/** The `seq` after which a feed cursor resumes. */
export function decodeFeedCursor(cursor: string): number {
  const fields = decodeOpaque(cursor, 200, () => invalidCursor())
  if (fields.k !== FEED || !Number.isSafeInteger(fields.s) || (fields.s as number) < 0) throw invalidCursor()
  return fields.s as number
}

const ATTEMPTS = 'attempts'

export function encodeAttemptsCursor(beforeId: number): string {
  return encodeOpaque({ k: ATTEMPTS, b: beforeId })
}

/** The attempt id before which the next page of attempts starts. */
export function decodeAttemptsCursor(cursor: string): number {
  const fields = decodeOpaque(cursor, 200, () => invalidCursor())
  if (fields.k !== ATTEMPTS || !Number.isSafeInteger(fields.b)) throw invalidCursor()
  return fields.b as number
}
