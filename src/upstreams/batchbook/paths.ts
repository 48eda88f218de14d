/**
 * The ids that go into BatchBook paths and come back in them. Paths are built (from
 * `BATCHBOOK_PATHS` in wire.ts) only from ids that are checked to be decimal numbers, so
 * nothing a client sends can change which upstream path or host a call goes to.
 */
import { invalidId } from '../../errors.js'
import { BATCHBOOK_PATHS } from './wire.js'

const ID_SOURCE = '[1-9]\\d{0,17}'
const NUMERIC = new RegExp(`^${ID_SOURCE}$`)

/** Checks an upstream id taken from an opaque id; a malformed one is a 400 before any call. */
export function numericId(value: string | undefined, what: string): string {
  if (value === undefined || !NUMERIC.test(value)) throw invalidId(`The ${what} id is not a BatchBook id`)
  return value
}

/** The end of a created record's `Location`: its path pattern with the id as `numericId` accepts it. */
function locationEnd(pattern: string): RegExp {
  const [before = '', after = ''] = pattern.split(/:\w+(?:\([^)]*\))?/)
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  return new RegExp(`${literal(before)}(${ID_SOURCE})${literal(after)}$`)
}

const CREATED_COMMUNICATION = locationEnd(BATCHBOOK_PATHS.communication.pattern)
const CREATED_COMMENT = locationEnd(BATCHBOOK_PATHS.comment.pattern)

/**
 * The id of a created record, read from the `Location` of a 201. Only the path's id is used:
 * the record is read back from our configured origin, never from wherever Location points.
 */
export function createdId(location: string | string[] | undefined, kind: 'communication' | 'comment'): string | null {
  const value = Array.isArray(location) ? location[0] : location
  if (value === undefined) return null
  let path: string
  try {
    path = new URL(value, 'http://relative.invalid').pathname
  } catch {
    return null
  }
  return (kind === 'communication' ? CREATED_COMMUNICATION : CREATED_COMMENT).exec(path)?.[1] ?? null
}
