/**
 * List cursors, all of them: opaque to clients, a base64url JSON object. The timeline's holds
 * each connection's position, so a list that spans connections resumes every one where it
 * stopped; a list paged whole (Snappy pages differently per resource: whole queues, numbered
 * search pages, the wall "after" a post) says which kind it is and holds non-negative integers
 * only, checked strictly when it comes back.
 */
import { type ProblemError, invalidCursor } from './errors.js'
import { CONNECTION_NAME as CONNECTION, DEFAULT_PAGE_SIZE } from './rules.js'

export interface CursorState {
  /** Upstream offset per connection name. A connection absent here starts at 0. */
  positions: Record<string, number>
  /** Connections already exhausted. */
  done: string[]
}

const MAX_CURSOR_LENGTH = 2048

/** Every cursor's wire form: a JSON object, base64url-encoded. */
export function encodeOpaque(fields: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url')
}

/**
 * The JSON object a cursor holds, or `invalid()` thrown for anything else (too long, not
 * base64url, not JSON, not an object). Each list then checks the fields it expects.
 */
export function decodeOpaque(value: string, maxLength: number, invalid: () => ProblemError): Record<string, unknown> {
  if (value.length > maxLength || !/^[A-Za-z0-9_-]+$/.test(value)) throw invalid()
  let raw: unknown
  try {
    raw = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
  } catch {
    throw invalid()
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid()
  return raw as Record<string, unknown>
}

export function encodeCursor(state: CursorState): string {
  return encodeOpaque({ v: 1, p: state.positions, d: state.done })
}

export function decodeCursor(value: string): CursorState {
  const invalid = () => invalidCursor()
  const { v, p, d } = decodeOpaque(value, MAX_CURSOR_LENGTH, invalid)
  if (v !== 1 || typeof p !== 'object' || p === null || Array.isArray(p) || !Array.isArray(d)) throw invalid()
  const positions: Record<string, number> = {}
  for (const [name, offset] of Object.entries(p)) {
    if (!CONNECTION.test(name) || !Number.isSafeInteger(offset) || (offset as number) < 0) throw invalid()
    positions[name] = offset as number
  }
  if (!d.every((name): name is string => typeof name === 'string' && CONNECTION.test(name))) throw invalid()
  return { positions, done: d }
}

/** A position in the store's timeline: the `(sentAt, id)` of the last message handed out. */
export interface TimelineKey {
  sentAt: string
  id: string
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const MESSAGE_ID = /^msg_[A-Za-z0-9_-]{1,400}$/

export function encodeTimelineKey(key: TimelineKey): string {
  return encodeOpaque({ v: 2, s: key.sentAt, i: key.id })
}

/**
 * A `/v1/messages` cursor: an upstream walk's positions (v1), or a keyset of the store (v2). A
 * walk goes on the way it began, so a backfill finishing mid-walk cannot make it skip or repeat.
 */
export type TimelineCursor = { upstream: CursorState } | { store: TimelineKey }

export function decodeTimelineCursor(value: string): TimelineCursor {
  const fields = decodeOpaque(value, MAX_CURSOR_LENGTH, () => invalidCursor())
  if (fields.v !== 2) return { upstream: decodeCursor(value) }
  const { s, i } = fields
  if (typeof s !== 'string' || !ISO_INSTANT.test(s) || typeof i !== 'string' || !MESSAGE_ID.test(i))
    throw invalidCursor()
  return { store: { sentAt: s, id: i } }
}

/** The longest cursor of a list paged by kind and offsets (see `encodePageCursor`). */
const MAX_PAGE_CURSOR_LENGTH = 512

export function encodePageCursor(kind: string, fields: Record<string, number>): string {
  return encodeOpaque({ k: kind, ...fields })
}

export function decodePageCursor<K extends string>(
  kind: string,
  value: string,
  names: readonly K[],
): Record<K, number> {
  const invalid = () => invalidCursor('The cursor is not one this list issued; start again without it')
  const record = decodeOpaque(value, MAX_PAGE_CURSOR_LENGTH, invalid)
  if (record.k !== kind) throw invalid()
  const out = {} as Record<K, number>
  for (const name of names) {
    const n = record[name]
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalid()
    out[name] = n
  }
  return out
}

/** One page of an in-memory list from an offset cursor. */
export function slicePage<T>(
  items: T[],
  kind: string,
  cursor: string | undefined,
  limit = DEFAULT_PAGE_SIZE,
): { data: T[]; nextCursor: string | null } {
  const offset = cursor === undefined ? 0 : decodePageCursor(kind, cursor, ['o']).o
  const data = items.slice(offset, offset + limit)
  const next = offset + data.length
  return { data, nextCursor: next < items.length ? encodePageCursor(kind, { o: next }) : null }
}
