/** The XML documents the BatchBook simulator answers with, element for element as documented. */
import { formatLocalTime, formatUtcTime } from '../../upstreams/batchbook/wire.js'
import type { Communication, MegaComment, Tag } from './model.js'
import type { ParticipantView } from './store.js'
import { array, type EmptyStyle, leaf, renderDocument, XML_DECLARATION, type XmlElement } from './xml.js'

/** What a communication element needs besides the record itself. */
export interface CommunicationView {
  communication: Communication
  tags: Tag[]
  comments: MegaComment[]
}

/**
 * BatchBook writes an empty array both as `<tags type="array">` + whitespace + `</tags>` and
 * as `<tags type="array"/>`. Clients must cope with either, so the simulator shows both:
 * records with even ids use the whitespace form (as the documented record 69522 does), odd
 * ids the self-closing one.
 */
function emptyStyleFor(recordId: number): EmptyStyle {
  return recordId % 2 === 0 ? 'whitespace' : 'self-closing'
}

function tagElement(tag: Tag): XmlElement {
  return {
    name: 'tag',
    children: [leaf('id', tag.id, 'integer'), leaf('name', tag.name), leaf('supertag', tag.supertag, 'boolean')],
  }
}

function commentElement(comment: MegaComment): XmlElement {
  return {
    name: 'mega_comment',
    children: [
      leaf('id', comment.id, 'integer'),
      leaf('comment', comment.comment),
      leaf('user', comment.user),
      leaf('created_at', formatLocalTime(comment.createdAt), 'datetime'),
      leaf('record_id', comment.recordId, 'integer'),
    ],
  }
}

function communicationElement({ communication: c, tags, comments }: CommunicationView): XmlElement {
  const empty = emptyStyleFor(c.id)
  return {
    name: 'communication',
    children: [
      leaf('id', c.id, 'integer'),
      leaf('subject', c.subject),
      leaf('body', c.body),
      leaf('date', formatLocalTime(c.date)),
      leaf('ctype', c.ctype),
      array('tags', tags.map(tagElement), empty),
      array('mega_comments', comments.map(commentElement), empty),
      leaf('created_at', formatUtcTime(c.createdAt)),
      leaf('updated_at', formatUtcTime(c.updatedAt)),
    ],
  }
}

export function communicationDocument(view: CommunicationView): string {
  return renderDocument(communicationElement(view))
}

export function communicationsDocument(views: CommunicationView[]): string {
  return renderDocument(array('communications', views.map(communicationElement)))
}

export function participantsDocument(communicationId: number, participants: ParticipantView[]): string {
  const children = participants.map(({ contact, role }) => ({
    name: 'participant',
    children: [leaf('name', contact.name), leaf('contact_id', contact.id, 'integer'), leaf('role', role)],
  }))
  return renderDocument(array('participants', children, emptyStyleFor(communicationId)))
}

export function commentDocument(comment: MegaComment): string {
  return renderDocument(commentElement(comment))
}

/**
 * The list of all comments. Its root is not documented; `mega_comments` matches the element
 * name the comments have inside a communication (Rails names the array after its members).
 */
export function commentsDocument(comments: MegaComment[]): string {
  return renderDocument(array('mega_comments', comments.map(commentElement)))
}

/** Rails' validation error document (`record.errors.to_xml`). */
export function errorsDocument(messages: string[]): string {
  return renderDocument({ name: 'errors', children: messages.map((m) => leaf('error', m)) })
}

/** Start of a list answer, sent by a `reset` fault before it cuts the connection. */
export const RESET_PREAMBLE = `${XML_DECLARATION}\n<communications type="array">\n  <communication>\n    <id type="integer">69522</id>\n`
