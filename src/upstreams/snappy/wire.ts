/**
 * Snappy's wire rules, each defined once: the documented rate limit, where the API lives and
 * its paths (with the ticket queues they name), the wall's page size, and the two time
 * formats. The gateway's client and the sandbox's simulator both import them, so the two
 * cannot drift apart; nothing here depends on either side.
 */
import { route } from '../route-pattern.js'

/** "The current Snappy API rate limit is 200 requests per minute." (vendor docs) */
export const DEFAULT_SNAPPY_LIMIT = Object.freeze({ max: 200, windowMs: 60_000 })

// Paths

/** Where the API lives on its host (`https://app.besnappy.com/api/v1`); every path below is under it. */
export const SNAPPY_API_PREFIX = '/api/v1'

/** The ticket queues, each readable for a whole account or one mailbox. */
export const QUEUES = ['waiting', 'inbox', 'yours'] as const
export type QueueName = (typeof QUEUES)[number]

/**
 * The API's paths. Parameters are numeric ids, except a ticket's `:id` (its id or its nonce)
 * and a contact's `:contact` (its id or its address, URL-encoded).
 */
export const SNAPPY_PATHS = {
  accounts: route('/accounts'),
  search: route('/account/:id/search'),
  mailboxes: route('/account/:id/mailboxes'),
  staff: route('/account/:id/staff'),
  contact: route('/account/:id/contacts/:contact'),
  /** A queue's tickets, of a whole account or of one mailbox (`:id` is the account's or the mailbox's). */
  queue: (scope: 'account' | 'mailbox', queue: QueueName) => route(`/${scope}/:id/${queue}`),
  ticket: route('/ticket/:id'),
  ticketNotes: route('/ticket/:id/notes'),
  ticketTags: route('/ticket/:id/tags'),
  ticketStatus: route('/ticket/:id/status'),
  attachmentDownload: route('/ticket/:id/attachment/:attachment/download'),
  /** POST a note: a reply on a ticket, or the first note of a new one. */
  note: route('/note'),
  documents: route('/account/:id/documents'),
  /** POST uploads a document. */
  documentUpload: route('/account/:id/document'),
  documentDownload: route('/account/:id/document/:document/download'),
  wall: route('/account/:id/wall'),
  wallPost: route('/account/:id/wall/:post'),
  wallComments: route('/account/:id/wall/:post/comment'),
  wallComment: route('/account/:id/wall/:post/comment/:comment'),
  wallLike: route('/account/:id/wall/:post/like'),
  faqSearch: route('/account/:id/faqs/search'),
  faqs: route('/account/:id/faqs'),
  faq: route('/account/:id/faqs/:faq'),
  faqTopics: route('/account/:id/faqs/:faq/topics'),
  faqTopic: route('/account/:id/faqs/:faq/topics/:topic'),
  faqQuestions: route('/account/:id/faqs/:faq/topics/:topic/questions'),
  faqQuestion: route('/account/:id/faqs/:faq/topics/:topic/questions/:question'),
  faqQuestionTopics: route('/account/:id/faqs/:faq/topics/:topic/questions/:question/topics'),
} as const

/** "Read the latest 25 posts from the team wall." (docs) */
export const WALL_PAGE_SIZE = 25

// Times. Snappy mixes two formats in one object: tickets and notes send `created_at`,
// `opened_at` and `last_reply_at` as Unix seconds, every other time is a Laravel datetime,
// `YYYY-MM-DD HH:MM:SS` in UTC without a zone.

/** Unix seconds. */
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

/** How Laravel writes a datetime that was never set. */
export const SQL_TIME_NEVER = '0000-00-00 00:00:00'

const SQL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/

/** Reads `YYYY-MM-DD HH:MM:SS` (UTC) to epoch milliseconds; null when it is not that form or no real date and time. */
export function parseSqlTime(text: string): number | null {
  const m = SQL_TIME.exec(text)
  if (m === null) return null
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number]
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  const date = new Date(ms)
  // Date.UTC rolls over impossible dates (2014-02-31); refuse them instead.
  if (date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60) return ms
  return null
}

/** Reads `YYYY-MM-DD HH:MM:SS` (UTC) into Unix seconds; the seed is written this way. */
export function fromSqlTime(text: string): Unix {
  const ms = parseSqlTime(text)
  if (ms === null) throw new RangeError(`not a datetime: ${text}`)
  return toUnix(ms)
}
