/**
 * The change feed: what its routes and the webhook routes share (the store the event log
 * lives in, the event types, and their cursors). Events are appended by the writer, in its
 * transaction (store/events.ts).
 */
import type { FastifyInstance } from 'fastify'
import { decodeOpaque, encodeOpaque } from '../cursor.js'
import { invalidCursor, replicaNotReady } from '../errors.js'
import type { Store } from '../store/index.js'

export { EVENT_TYPES } from '../store/events.js'

/** The store, or 503: the event log lives in it, and `REPLICA=false` turns it off. */
export function requireStore(app: FastifyInstance): Store {
  if (app.store === null)
    throw replicaNotReady('The change feed and webhooks need the store, which is turned off (REPLICA=false)', 3600)
  return app.store
}

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
