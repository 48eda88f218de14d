/**
 * Reading Snappy JSON defensively. Every field a mapping uses is checked for its type here,
 * so a changed or broken upstream answer becomes a clear decode error (and a 502
 * `upstream_bad_response`) instead of `undefined` leaking into a response.
 *
 * Snappy mixes two time formats in one object: `created_at`, `opened_at` and `last_reply_at`
 * of tickets and notes are Unix seconds, every other time is `YYYY-MM-DD HH:MM:SS` in UTC
 * without a zone. Both become ISO 8601 UTC.
 */
import { NUMERIC_ID } from '../../rules.js'
import { SQL_TIME_NEVER, parseSqlTime } from './wire.js'

export class SnappyDecodeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SnappyDecodeError'
  }
}

export type JsonObject = Record<string, unknown>

export function parseJson(body: Buffer | string): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8')
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new SnappyDecodeError('the answer is not JSON')
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function asObject(value: unknown, what: string): JsonObject {
  if (!isObject(value)) throw new SnappyDecodeError(`${what} is not an object`)
  return value
}

export function asArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new SnappyDecodeError(`${what} is not a list`)
  return value
}

/** A list that may be missing or null (nested collections the docs do not always show). */
export function optionalArray(value: unknown, what: string): unknown[] {
  return value === undefined || value === null ? [] : asArray(value, what)
}

/** An upstream id: a non-negative integer (sometimes sent as a digit string), as a string. */
export function idOf(value: unknown, what: string): string {
  const id = optionalId(value, what)
  if (id === null) throw new SnappyDecodeError(`${what} is missing`)
  return id
}

export function optionalId(value: unknown, what: string): string | null {
  if (value === undefined || value === null) return null
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value)
  if (typeof value === 'string' && NUMERIC_ID.test(value)) return value
  throw new SnappyDecodeError(`${what} is not a numeric id`)
}

export function optionalString(value: unknown, what: string): string | null {
  if (value === undefined || value === null) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  throw new SnappyDecodeError(`${what} is not a string`)
}

export function stringOr(value: unknown, what: string, fallback: string): string {
  return optionalString(value, what) ?? fallback
}

/** Snappy's booleans arrive as `true`/`false`, `1`/`0` or null. */
export function optionalFlag(value: unknown, what: string): boolean | null {
  if (value === undefined || value === null) return null
  if (typeof value === 'boolean') return value
  if (value === 0 || value === 1 || value === '0' || value === '1') return Number(value) === 1
  throw new SnappyDecodeError(`${what} is not a flag`)
}

export function optionalInteger(value: unknown, what: string): number | null {
  if (value === undefined || value === null) return null
  const n = typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value
  if (typeof n === 'number' && Number.isSafeInteger(n)) return n
  throw new SnappyDecodeError(`${what} is not an integer`)
}

export function stringList(value: unknown, what: string): string[] {
  return optionalArray(value, what).map((item, i) => {
    if (typeof item === 'string') return item
    if (typeof item === 'number') return String(item)
    throw new SnappyDecodeError(`${what}[${i}] is not a string`)
  })
}

/** `YYYY-MM-DD HH:MM:SS` (UTC, no zone) or Unix seconds → ISO 8601 UTC; null stays null. */
export function optionalTime(value: unknown, what: string): string | null {
  if (value === undefined || value === null || value === '') return null
  // Laravel writes a never-set datetime as all zeros.
  if (value === SQL_TIME_NEVER) return null
  if (typeof value === 'number' || (typeof value === 'string' && /^\d{1,12}$/.test(value))) {
    const seconds = Number(value)
    if (!Number.isSafeInteger(seconds) || seconds < 0) throw new SnappyDecodeError(`${what} is not a valid Unix time`)
    return new Date(seconds * 1000).toISOString()
  }
  if (typeof value === 'string') {
    const ms = parseSqlTime(value)
    if (ms !== null) return new Date(ms).toISOString()
  }
  throw new SnappyDecodeError(`${what} is not a known time format`)
}

export function requiredTime(value: unknown, what: string): string {
  const time = optionalTime(value, what)
  if (time === null) throw new SnappyDecodeError(`${what} is missing`)
  return time
}

/** "First Last", or null when both are empty. */
export function fullName(first: unknown, last: unknown): string | null {
  const parts = [first, last].filter((p): p is string => typeof p === 'string' && p.trim() !== '').map((p) => p.trim())
  return parts.length === 0 ? null : parts.join(' ')
}
