/**
 * BatchBook writes three different date formats and reads a fourth, so all date handling of
 * the simulator lives here. Times are kept as epoch milliseconds, truncated to whole seconds
 * because no format BatchBook writes carries fractions: a value a client read back must
 * compare equal to the stored one when it is sent again as a search bound.
 */

/**
 * The account's time zone. Local-time formats (`<date>`, a comment's `created_at`) show
 * offsets such as `-0400`, i.e. US Eastern; using the real zone gives `-0500` in winter too.
 */
export const ACCOUNT_TIME_ZONE = 'America/New_York'

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const

const localParts = new Intl.DateTimeFormat('en-US', {
  timeZone: ACCOUNT_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

export function truncateToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/** `2010-05-28 10:53:00 -0400`: a communication's `<date>` and a comment's `created_at`. */
export function formatLocalTime(ms: number): string {
  const parts: Record<string, number> = {}
  for (const part of localParts.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts
  const offsetMinutes = Math.round((Date.UTC(year, month - 1, day, hour, minute, second) - truncateToSecond(ms)) / 60_000)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  return `${year}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}:${pad(second)} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
}

/** `Fri May 28 14:53:32 UTC 2010`: a communication's `created_at` / `updated_at` (Ruby's `Time#to_s` in UTC). */
export function formatUtcTime(ms: number): string {
  const d = new Date(ms)
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${time} UTC ${d.getUTCFullYear()}`
}

// `Jul 01 13:37:38 UTC 2010`, optionally led by a weekday as in the `created_at` format.
const RUBY_FORM = /^(?:(?:sun|mon|tue|wed|thu|fri|sat)[a-z]*,?\s+)?([a-z]{3})[a-z]*\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})(?:\s+(utc|gmt|z|[+-]\d{2}:?\d{2}))?\s+(\d{4})$/i
// ISO 8601 and the `2010-05-28 10:53:00 -0400` form.
const ISO_FORM = /^(\d{4})-(\d{2})-(\d{2})(?:[t\s](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(utc|gmt|z|[+-]\d{2}(?::?\d{2})?)?$/i

/**
 * Reads a time sent as a search parameter or in a body. The documented form is
 * `Jul 01 13:37:38 UTC 2010`; ISO 8601 and the `<date>` output form are accepted too so
 * that a value read from a response can be sent back. A missing zone means UTC.
 * Answers null when the text is not a valid time.
 */
export function parseBatchBookTime(text: string): number | null {
  const value = text.trim()
  const ruby = RUBY_FORM.exec(value)
  if (ruby !== null) {
    const month = MONTHS.findIndex((m) => m.toLowerCase() === (ruby[1] ?? '').toLowerCase())
    if (month === -1) return null
    return build(Number(ruby[7]), month + 1, Number(ruby[2]), Number(ruby[3]), Number(ruby[4]), Number(ruby[5]), ruby[6])
  }
  const iso = ISO_FORM.exec(value)
  if (iso !== null) {
    return build(Number(iso[1]), Number(iso[2]), Number(iso[3]), Number(iso[4] ?? 0), Number(iso[5] ?? 0), Number(iso[6] ?? 0), iso[7])
  }
  return null
}

function build(year: number, month: number, day: number, hour: number, minute: number, second: number, zone: string | undefined): number | null {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null
  const utc = Date.UTC(year, month - 1, day, hour, minute, second)
  // Date.UTC rolls Feb 30 over into March; such a date is invalid, not a different day.
  if (new Date(utc).getUTCDate() !== day) return null
  const offset = zoneOffsetMinutes(zone)
  if (offset === null) return null
  return utc - offset * 60_000
}

function zoneOffsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined || /^(utc|gmt|z)$/i.test(zone)) return 0
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)
  if (match === null) return null
  const hours = Number(match[2])
  const minutes = Number(match[3] ?? 0)
  if (hours > 14 || minutes > 59) return null
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes)
}
