/** BatchBook communication XML (already decoded) → the normalized Message. */
import { encodeId } from '../../ids.js'
import type { Comment, Message } from '../../schemas/message.js'
import { parseBatchBookDate } from './wire.js'
import { type XmlValue, XmlDecodeError, asArray, asObject, asText, decodeXml } from './xml.js'
import { NUMERIC_ID } from '../../rules.js'

const KINDS: Record<string, Message['kind']> = { email: 'email', note: 'note', phone: 'phone', chat: 'chat' }

/** A communication as a message; participants (a separate call) are added by the adapter. */
export function toMessage(value: XmlValue, connection: string): Message {
  const record = asObject(value, 'communication')
  const remoteId = requiredId(record.id, 'communication id')
  const ctype = (asText(record.ctype) ?? '').trim().toLowerCase()
  // An unknown ctype is still a logged communication; 'note' is the neutral reading.
  const kind = KINDS[ctype] ?? 'note'
  const createdAt = requiredDate(record.created_at, 'created_at')
  return {
    id: encodeId('message', { source: 'batchbook', connection, parts: [remoteId] }),
    source: 'batchbook',
    connection,
    remoteId,
    conversationId: null,
    kind,
    visibility: null,
    subject: asText(record.subject),
    body: { text: asText(record.body) ?? '', html: null },
    sentAt: optionalDate(record.date) ?? createdAt,
    createdAt,
    updatedAt: optionalDate(record.updated_at) ?? createdAt,
    author: null,
    participants: [],
    participantsStatus: 'pending',
    tags: asArray(record.tags, 'tags')
      .map(tagName)
      .filter((name): name is string => name !== null),
    comments: asArray(record.mega_comments, 'mega_comments').map((c) => toComment(c, connection, remoteId)),
    attachments: [],
  }
}

/** Tags come as `<tag><name>cool</name>…</tag>` or, on some pages, `<tag name="cool"/>`. */
function tagName(value: XmlValue): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null
  return asText(value.name) ?? asText(value['@name'])
}

export function toComment(value: XmlValue, connection: string, communicationId: string): Comment {
  const record = asObject(value, 'mega_comment')
  const id = requiredId(record.id, 'comment id')
  return {
    id: encodeId('comment', { source: 'batchbook', connection, parts: [communicationId, id] }),
    body: asText(record.comment) ?? '',
    author: asText(record.user),
    createdAt: requiredDate(record.created_at, 'comment created_at'),
  }
}

function requiredId(value: XmlValue | undefined, what: string): string {
  const text = asText(value)?.trim()
  if (text === undefined || !NUMERIC_ID.test(text)) throw new XmlDecodeError(`${what} is missing or not numeric`)
  return text
}

function requiredDate(value: XmlValue | undefined, what: string): string {
  const date = optionalDate(value)
  if (date === null) throw new XmlDecodeError(`${what} is missing or not a known date format`)
  return date
}

function optionalDate(value: XmlValue | undefined): string | null {
  const text = asText(value)
  return text === null || text.trim() === '' ? null : parseBatchBookDate(text)
}

/** The messages of a Rails `<errors><error>…</error></errors>` document, if the body is one. */
export function errorMessages(body: Buffer, maxBytes: number): string | undefined {
  try {
    const { root, value } = decodeXml(body, maxBytes)
    if (root !== 'errors') return undefined
    const record = asObject(value, 'errors')
    const list = Array.isArray(record.error) ? record.error : [record.error]
    const messages = list.map((m) => asText(m)).filter((m): m is string => m !== null && m.trim() !== '')
    return messages.length === 0 ? undefined : messages.join('; ')
  } catch {
    return undefined
  }
}
