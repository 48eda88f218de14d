/**
 * BatchBook's wire rules, each defined once: the documented rate limit, the date formats
 * (the three BatchBook writes and the one it reads, with a parser for each direction) and the
 * paths of the classic XML API. The gateway's client and the sandbox's simulator both import
 * them, so the two cannot drift apart; nothing here depends on either side.
 */
import { route } from '../route-pattern.js'

/** "API access is limited to one request per second." (vendor docs) */
export const DEFAULT_BATCHBOOK_LIMIT = Object.freeze({ max: 1, windowMs: 1000 })

/** The documented default page size (`limit`) of the communication list; a larger maximum is not documented. */
export const BATCHBOOK_PAGE_SIZE = 10

/** The roles a participant plays in a communication (vendor docs). */
export const PARTICIPANT_ROLES = ['to', 'from', 'cc', 'bcc'] as const

// Paths

/**
 * The classic API's paths. Ids are digits only: the simulator's routes match nothing else,
 * and the client builds paths only from ids it has checked.
 */
export const BATCHBOOK_PATHS = {
  /** GET lists and searches, POST creates. */
  communications: route('/service/communications.xml'),
  communication: route('/service/communications/:id(^\\d+).xml'),
  participants: route('/service/communications/:id(^\\d+)/participants.xml'),
  addParticipant: route('/service/communications/:id(^\\d+)/add_participant.xml'),
  removeParticipant: route('/service/communications/:id(^\\d+)/remove_participant.xml'),
  addTag: route('/service/communications/:id(^\\d+)/add_tag.xml'),
  removeTag: route('/service/communications/:id(^\\d+)/remove_tag.xml'),
  /** POST creates a comment on the communication. */
  comments: route('/service/communications/:id(^\\d+)/comments.xml'),
  /** A comment addressed directly; also the `Location` of a created one. */
  comment: route('/service/comments/:cid(^\\d+).xml'),
  /** A comment addressed under the communication it is on. */
  communicationComment: route('/service/communications/:id(^\\d+)/comments/:cid(^\\d+).xml'),
  /** Every comment of the account, a page at a time. */
  allComments: route('/service/comments.xml'),
} as const

// Dates. BatchBook writes three formats (see NOTES.md) and reads a fourth:
//   `<date>` and comment `created_at`: `2010-05-28 10:53:00 -0400`
//   communication `created_at`/`updated_at`: `Fri May 28 14:53:32 UTC 2010`
//   search parameters and dates in bodies: `Jul 01 13:37:38 UTC 2010`
// None carries fractions of a second.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/**
 * The account's time zone. Local-time formats (`<date>`, a comment's `created_at`) show
 * offsets such as `-0400`, i.e. US Eastern; using the real zone gives `-0500` in winter too.
 */
const ACCOUNT_TIME_ZONE = 'America/New_York'

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

/**
 * Epoch milliseconds cut to whole seconds, the precision of every format: a value a client
 * read back must compare equal to the stored one when it is sent again as a search bound.
 */
export function truncateToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000
}

// What BatchBook writes: formatted by the simulator, parsed by the client.

/** `2010-05-28 10:53:00 -0400`: a communication's `<date>` and a comment's `created_at`. */
export function formatLocalTime(ms: number): string {
  const parts: Record<string, number> = {}
  for (const part of localParts.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts
  const offsetMinutes = Math.round(
    (Date.UTC(year, month - 1, day, hour, minute, second) - truncateToSecond(ms)) / 60_000,
  )
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

const OFFSET_FORM = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)? ?([+-])(\d{2}):?(\d{2})$/
const UTC_WORDS_FORM = /^(?:[A-Z][a-z]{2} )?([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/
const STRICT_ISO_FORM = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/

/**
 * Parses a date BatchBook wrote (any of its forms, or ISO 8601) to ISO 8601 UTC, or null when
 * it is none of the known forms. Everything leaves the gateway as ISO 8601 UTC.
 */
export function parseBatchBookDate(value: string): string | null {
  const text = value.trim()
  let ms: number | null = null
  let m = OFFSET_FORM.exec(text)
  if (m !== null) {
    const [, y, mo, d, h, mi, s, sign, oh, om] = m as unknown as string[]
    const offsetMinutes = (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1)
    ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMinutes * 60_000
  } else if ((m = UTC_WORDS_FORM.exec(text)) !== null) {
    const [, mon, d, h, mi, s, y] = m as unknown as string[]
    const month = (MONTHS as readonly string[]).indexOf(mon as string)
    if (month === -1) return null
    ms = Date.UTC(Number(y), month, Number(d), Number(h), Number(mi), Number(s))
  } else if (STRICT_ISO_FORM.test(text)) {
    ms = Date.parse(text)
  }
  if (ms === null || Number.isNaN(ms)) return null
  return new Date(ms).toISOString()
}

// What BatchBook reads: formatted by the client, parsed by the simulator.

/** Formats an instant the way BatchBook reads dates: `Jul 01 13:37:38 UTC 2010`. */
export function formatBatchBookDate(date: Date | string): string {
  const d = typeof date === 'string' ? new Date(date) : date
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
}

// `Jul 01 13:37:38 UTC 2010`, optionally led by a weekday as in the `created_at` format.
const RUBY_FORM =
  /^(?:(?:sun|mon|tue|wed|thu|fri|sat)[a-z]*,?\s+)?([a-z]{3})[a-z]*\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})(?:\s+(utc|gmt|z|[+-]\d{2}:?\d{2}))?\s+(\d{4})$/i
// ISO 8601 and the `2010-05-28 10:53:00 -0400` form.
const ISO_FORM =
  /^(\d{4})-(\d{2})-(\d{2})(?:[t\s](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(utc|gmt|z|[+-]\d{2}(?::?\d{2})?)?$/i

/**
 * Reads a time sent as a search parameter or in a body, as BatchBook does, to epoch
 * milliseconds. The documented form is `Jul 01 13:37:38 UTC 2010`; ISO 8601 and the `<date>`
 * output form are accepted too so that a value read from a response can be sent back. A
 * missing zone means UTC. Answers null when the text is not a valid time.
 */
export function parseBatchBookTime(text: string): number | null {
  const value = text.trim()
  const ruby = RUBY_FORM.exec(value)
  if (ruby !== null) {
    const month = MONTHS.findIndex((m) => m.toLowerCase() === (ruby[1] ?? '').toLowerCase())
    if (month === -1) return null
    return build(
      Number(ruby[7]),
      month + 1,
      Number(ruby[2]),
      Number(ruby[3]),
      Number(ruby[4]),
      Number(ruby[5]),
      ruby[6],
    )
  }
  const iso = ISO_FORM.exec(value)
  if (iso !== null) {
    return build(
      Number(iso[1]),
      Number(iso[2]),
      Number(iso[3]),
      Number(iso[4] ?? 0),
      Number(iso[5] ?? 0),
      Number(iso[6] ?? 0),
      iso[7],
    )
  }
  return null
}

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  zone: string | undefined,
): number | null {
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
