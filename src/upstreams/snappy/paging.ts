/**
 * Cursors of Snappy lists. Snappy pages differently per resource (whole queues, numbered
 * search pages, the wall "after" a post), so each list's cursor says which kind it is and
 * holds non-negative integers only: opaque to clients, checked strictly when it comes back.
 */
import { DEFAULT_PAGE_SIZE } from '../../rules.js'
import { decodeOpaque, encodeOpaque } from '../../cursor.js'
import { invalidCursor } from '../../errors.js'

const MAX_LENGTH = 512

export function encodePageCursor(kind: string, fields: Record<string, number>): string {
  return encodeOpaque({ k: kind, ...fields })
}

export function decodePageCursor<K extends string>(
  kind: string,
  value: string,
  names: readonly K[],
): Record<K, number> {
  const invalid = () => invalidCursor('The cursor is not one this list issued; start again without it')
  const record = decodeOpaque(value, MAX_LENGTH, invalid)
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
