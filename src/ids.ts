/**
 * Opaque identifiers: a type prefix and the base64url of a small JSON array
 * `[source, connection, ...upstream ids]`. They carry what is needed to route a call, so
 * clients never need to know which system holds a record, and they are checked strictly
 * before any upstream call.
 */
import { LRUCache } from 'lru-cache'
import { type ProblemError, invalidId as invalidIdProblem } from './errors.js'
import { SOURCE_KINDS, type SourceKind } from './upstreams/source.js'
import { CONNECTION_NAME as CONNECTION } from './rules.js'

const ID_PREFIXES = {
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
  readonly source: SourceKind
  readonly connection: string
  /** Upstream ids, each a non-empty string of letters, digits, '-' or '_'. */
  readonly parts: readonly string[]
}

const MAX_ID_LENGTH = 256
const BASE64URL = /^[A-Za-z0-9_-]+$/
const UPSTREAM_PART = /^[A-Za-z0-9_-]{1,64}$/
const UNDERSCORE = 0x5f

/** The pattern route schemas use for an id of this kind (shape only; decoding checks the rest). */
export function idPattern(kind: IdKind): string {
  return `^${ID_PREFIXES[kind]}_[A-Za-z0-9_-]{4,${MAX_ID_LENGTH}}$`
}

export function encodeId(kind: IdKind, id: DecodedId): string {
  const payload = JSON.stringify([id.source, id.connection, ...id.parts])
  return `${ID_PREFIXES[kind]}_${Buffer.from(payload, 'utf8').toString('base64url')}`
}

/** Decoded ids by their text. Ids are immutable, so one decode serves every request naming one. */
const decoded = new LRUCache<string, DecodedId>({ max: 10_000 })

function invalidId(kind: IdKind, value: string): ProblemError {
  return invalidIdProblem(`'${value.slice(0, 80)}' is not a valid ${kind} id`)
}

/** The checks that need no knowledge of the caller's expectations; null when the id is malformed. */
function parse(value: string, prefixLength: number): DecodedId | null {
  const body = value.slice(prefixLength)
  if (!BASE64URL.test(body)) return null
  let items: unknown
  try {
    items = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  if (!Array.isArray(items)) return null
  const [source, connection, ...parts] = items as unknown[]
  if (typeof source !== 'string' || !(SOURCE_KINDS as readonly string[]).includes(source)) return null
  if (typeof connection !== 'string' || !CONNECTION.test(connection)) return null
  for (const p of parts) if (typeof p !== 'string' || !UPSTREAM_PART.test(p)) return null
  return Object.freeze({ source: source as SourceKind, connection, parts: Object.freeze(parts as string[]) })
}

/**
 * Decodes an id of the given kind or throws a 400 `invalid_id` problem. `partCount` is how
 * many upstream ids it carries, the same for every source or per source.
 */
export function decodeId(kind: IdKind, value: string, partCount: number | Record<SourceKind, number>): DecodedId {
  const prefix = ID_PREFIXES[kind]
  // The prefix check comes first, so the cache only ever holds ids of the kind asked for.
  if (value.length > MAX_ID_LENGTH || !value.startsWith(prefix) || value.charCodeAt(prefix.length) !== UNDERSCORE)
    throw invalidId(kind, value)
  let id = decoded.get(value)
  if (id === undefined) {
    const parsed = parse(value, prefix.length + 1)
    if (parsed === null) throw invalidId(kind, value)
    id = parsed
    decoded.set(value, id)
  }
  const expected = typeof partCount === 'number' ? partCount : partCount[id.source]
  if (id.parts.length !== expected) throw invalidId(kind, value)
  return id
}

/**
 * Decodes an id that must belong to one connection (e.g. a contact named in a message being
 * written there) and returns its upstream ids; anything else is a 400 `invalid_id`.
 */
export function decodeIdFor(
  kind: IdKind,
  value: string,
  connection: { name: string; source: SourceKind },
  partCount: number,
): readonly string[] {
  const decoded = decodeId(kind, value, { batchbook: partCount, snappy: partCount })
  if (decoded.source !== connection.source || decoded.connection !== connection.name) {
    throw invalidIdProblem(
      `The ${kind} '${value.slice(0, 80)}' belongs to another connection than '${connection.name}'`,
    )
  }
  return decoded.parts
}
