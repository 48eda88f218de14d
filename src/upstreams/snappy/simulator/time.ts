/**
 * Snappy mixes two timestamp formats in one object, so records keep Unix seconds and the
 * serializers decide per field: tickets and notes send `created_at`, `opened_at` and
 * `last_reply_at` as integers, everything else as `YYYY-MM-DD HH:MM:SS` in UTC.
 */
export type Unix = number

export function toUnix(ms: number): Unix {
  return Math.floor(ms / 1000)
}

/** `2014-09-16 13:49:36`: the database datetime Laravel serializes, without a zone (UTC). */
export function sqlTime(unix: Unix): string {
  return new Date(unix * 1000).toISOString().slice(0, 19).replace('T', ' ')
}

export function sqlTimeOrNull(unix: Unix | null): string | null {
  return unix === null ? null : sqlTime(unix)
}

/** Reads `YYYY-MM-DD HH:MM:SS` (UTC) back into Unix seconds; the seed is written this way. */
export function fromSqlTime(text: string): Unix {
  const ms = Date.parse(`${text.replace(' ', 'T')}Z`)
  if (Number.isNaN(ms)) throw new RangeError(`not a datetime: ${text}`)
  return toUnix(ms)
}
