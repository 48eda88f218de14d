/**
 * Opaque identifiers: a type prefix and the base64url of a small JSON array
 * `[source, connection, ...upstream ids]`. They carry what is needed to route a call, so
 * clients never need to know which system holds a record, and they are checked strictly
 * before any upstream call.
 */
import { ProblemError } from './errors.js'
import { SOURCE_KINDS, type SourceKind } from './upstreams/source.js'

export const ID_PREFIXES = {
  message: 'msg',
  conversation: 'conv',
  contact: 'ctc',
  account: 'acct',
  comment: 'cmt',
  mailbox: 'mbx',
  staff: 'stf',
  document: 'doc',
  attachment: 'att',
  wallPost: 'wpost',
  wallComment: 'wcmt',
  faq: 'faq',
  faqTopic: 'ftop',
  faqQuestion: 'fqst',
} as const
export type IdKind = keyof typeof ID_PREFIXES

export interface DecodedId {
  source: SourceKind
  connection: string
  /** Upstream ids, each a non-empty string of letters, digits, '-' or '_'. */
  parts: string[]
}

const MAX_ID_LENGTH = 256
const BASE64URL = /^[A-Za-z0-9_-]+$/
const CONNECTION = /^[a-z][a-z0-9_-]{0,31}$/
const UPSTREAM_PART = /^[A-Za-z0-9_-]{1,64}$/

/** The pattern route schemas use for an id of this kind (shape only; decoding checks the rest). */
export function idPattern(kind: IdKind): string {
  return `^${ID_PREFIXES[kind]}_[A-Za-z0-9_-]{4,${MAX_ID_LENGTH}}$`
}

export function encodeId(kind: IdKind, id: DecodedId): string {
  const payload = JSON.stringify([id.source, id.connection, ...id.parts])
  return `${ID_PREFIXES[kind]}_${Buffer.from(payload, 'utf8').toString('base64url')}`
}

/**
 * Decodes an id of the given kind or throws a 400 `invalid_id` problem. `partCount` is how
 * many upstream ids it carries, the same for every source or per source.
 */
export function decodeId(kind: IdKind, value: string, partCount: number | Record<SourceKind, number>): DecodedId {
  const prefix = `${ID_PREFIXES[kind]}_`
  const invalid = () => new ProblemError('invalid_id', `'${value.slice(0, 80)}' is not a valid ${kind} id`)
  if (!value.startsWith(prefix) || value.length > MAX_ID_LENGTH) throw invalid()
  const body = value.slice(prefix.length)
  if (!BASE64URL.test(body)) throw invalid()
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch {
    throw invalid()
  }
  if (!Array.isArray(decoded)) throw invalid()
  const [source, connection, ...parts] = decoded as unknown[]
  if (typeof source !== 'string' || !(SOURCE_KINDS as readonly string[]).includes(source)) throw invalid()
  const expected = typeof partCount === 'number' ? partCount : partCount[source as SourceKind]
  if (parts.length !== expected) throw invalid()
  if (typeof connection !== 'string' || !CONNECTION.test(connection)) throw invalid()
  if (!parts.every((p): p is string => typeof p === 'string' && UPSTREAM_PART.test(p))) throw invalid()
  return { source: source as SourceKind, connection, parts }
}

/**
 * Decodes an id that must belong to one connection (e.g. a contact named in a message being
 * written there) and returns its upstream ids; anything else is a 400 `invalid_id`.
 */
export function decodeIdFor(kind: IdKind, value: string, connection: { name: string; source: SourceKind }, partCount: number): string[] {
  const decoded = decodeId(kind, value, { batchbook: partCount, snappy: partCount })
  if (decoded.source !== connection.source || decoded.connection !== connection.name) {
    throw new ProblemError('invalid_id', `The ${kind} '${value.slice(0, 80)}' belongs to another connection than '${connection.name}'`)
  }
  return decoded.parts
}
