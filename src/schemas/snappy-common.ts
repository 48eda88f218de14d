/** Property fragments every Snappy resource schema shares, and ids for the examples. */
import { Type } from 'typebox'
import { encodeId, idPattern, type IdKind } from '../ids.js'
import { Nullable } from './ref.js'
import { CONNECTION_NAME_SOURCE, DEFAULT_PAGE_SIZE, NONCE_SOURCE } from '../rules.js'

export const IsoDate = (description: string) => Type.String({ format: 'date-time', description })
export const NullableIsoDate = (description: string) => Nullable(Type.String({ format: 'date-time', description }))

/** Upstream ids of each kind's example, after the sandbox's seeded records. */
const EXAMPLE_PARTS: Partial<Record<IdKind, string[]>> = {
  account: ['3249'],
  mailbox: ['3249', '3642'],
  staff: ['58'],
  contact: ['3249', '119399'],
  conversation: ['268308'],
  message: ['268308', '472067'],
  attachment: ['268308', '58001'],
  document: ['3249', '60'],
  wallPost: ['3249', '405'],
  wallComment: ['3249', '405', '77'],
  faq: ['3249', '12'],
  faqTopic: ['3249', '12', '31'],
  faqQuestion: ['3249', '12', '31', '2'],
}

/** An opaque id of `kind`: its pattern, a description and an example. */
export function IdOf(kind: IdKind, description: string) {
  const parts = EXAMPLE_PARTS[kind]
  return Type.String({
    pattern: idPattern(kind),
    description,
    ...(parts === undefined ? {} : { examples: [exampleId(kind, ...parts)] }),
  })
}

/** `source`, `connection` and `remoteId`, as on every normalized record. */
export const origin = {
  source: Type.Literal('snappy'),
  connection: Type.String({ description: 'Name of the configured connection holding the record.' }),
  remoteId: Type.String({ description: 'The id in Snappy.' }),
}

/** `{ data, nextCursor }` of a list schema, items referring to the registered `itemRef`. */
export function listOf<T>(itemRef: string, description: string) {
  return {
    data: Type.Array(Type.Unsafe<T>({ $ref: `${itemRef}#` }), { description }),
    nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page.' })),
  }
}

/** An id as the sandbox's default `snappy` connection would mint it (examples only). */
export function exampleId(kind: IdKind, ...parts: string[]): string {
  return encodeId(kind, { source: 'snappy', connection: 'snappy', parts })
}

/** Page size when a list request names none. */
export { DEFAULT_PAGE_SIZE }

/** `limit` and `cursor` of a list route. `limit` is optional for clients; validation fills in the default. */
export const pageQuery = {
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 100,
      default: DEFAULT_PAGE_SIZE,
      description: 'Page size, 1 to 100 (default 25).',
    }),
  ),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'The `nextCursor` of the previous page.' })),
}

export const connectionQuery = Type.String({
  pattern: CONNECTION_NAME_SOURCE,
  description: 'The Snappy connection a ticket nonce is looked up in; needed only when the key may use several.',
  examples: ['snappy'],
})

/** A conversation path parameter: its id, or the ticket's 16-character nonce. */
export const ConversationRef = Type.String({
  pattern: `^(?:${idPattern('conversation').slice(1, -1)}|${NONCE_SOURCE.slice(1, -1)})$`,
  description: 'A conversation id (`conv_…`) or the ticket’s 16-character nonce.',
  examples: ['u6cisayjz8ewpsgu'],
})

/** The schema of a streamed file answer. */
export function fileResponse(description: string) {
  return {
    description,
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  }
}
