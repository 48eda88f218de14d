/**
 * Tickets → Conversations and notes → Messages, as PRODUCT.md defines them:
 *
 * - a note is `kind: note` when its scope is private, otherwise `email`; `visibility` is the
 *   scope; `subject` is null (subjects live on the ticket);
 * - `body.html` keeps HTML content as sent, `body.text` is clean text made from it; plain
 *   content is the text with `html: null` (see html.ts for why `using_html` is not trusted);
 * - `sentAt`/`createdAt` come from the Unix `created_at`, `updatedAt` from the zone-less string;
 * - the author comes from `creator`, participants from the note's `contacts` with their `type`.
 */
import { encodeId } from '../../../ids.js'
import type { Conversation } from '../../../schemas/conversation.js'
import type { Message } from '../../../schemas/message.js'
import {
  asObject,
  idOf,
  optionalArray,
  optionalFlag,
  optionalString,
  optionalTime,
  requiredTime,
  stringList,
} from '../codec.js'
import { noteBody } from '../html.js'
import { accountId, mailboxId, timeOr } from './directory.js'
import { contactParticipant, creatorParticipant } from './participants.js'
import { remoteNote, remoteTicket } from './remote.js'
import { NONCE } from '../../../rules.js'

export interface MappingOptions {
  includeRemote: boolean
}

const NO_REMOTE: MappingOptions = { includeRemote: false }

export function conversationId(connection: string, ticket: string): string {
  return encodeId('conversation', { source: 'snappy', connection, parts: [ticket] })
}

export function messageId(connection: string, ticket: string, note: string): string {
  return encodeId('message', { source: 'snappy', connection, parts: [ticket, note] })
}

function attachmentId(connection: string, ticket: string, attachment: string): string {
  return encodeId('attachment', { source: 'snappy', connection, parts: [ticket, attachment] })
}

export function toConversation(value: unknown, connection: string, options: MappingOptions = NO_REMOTE): Conversation {
  const t = asObject(value, 'ticket')
  const remoteId = idOf(t.id, 'ticket id')
  const account = idOf(t.account_id, 'ticket account_id')
  const nonce = optionalString(t.nonce, 'ticket nonce')
  const createdAt = requiredTime(t.created_at, 'ticket created_at')
  const conversation: Conversation = {
    id: conversationId(connection, remoteId),
    source: 'snappy',
    connection,
    remoteId,
    nonce: nonce !== null && NONCE.test(nonce) ? nonce : null,
    accountId: accountId(connection, account),
    mailboxId: mailboxId(connection, account, idOf(t.mailbox_id, 'ticket mailbox_id')),
    status: optionalString(t.status, 'ticket status') ?? 'waiting',
    subject: optionalString(t.default_subject, 'default_subject'),
    summary: optionalString(t.summary, 'summary'),
    tags: stringList(t.tags, 'ticket tags'),
    unread: optionalFlag(t.unread, 'unread') ?? false,
    contacts: optionalArray(t.contacts, 'ticket contacts')
      .map((c) => contactParticipant(c, connection, account))
      .filter((p) => p !== null),
    openedAt: optionalTime(t.opened_at, 'opened_at'),
    lastReplyAt: optionalTime(t.last_reply_at, 'last_reply_at'),
    lastReplyBy: optionalString(t.last_reply_by, 'last_reply_by'),
    createdAt,
    updatedAt: timeOr(t.updated_at, 'ticket updated_at', createdAt),
  }
  if (options.includeRemote) conversation.remote = remoteTicket(t)
  return conversation
}

export interface NoteContext {
  /** The ticket's tags, when the ticket was read too. */
  tags?: string[]
  includeRemote?: boolean
}

export function toMessage(value: unknown, connection: string, context: NoteContext = {}): Message {
  const n = asObject(value, 'note')
  const remoteId = idOf(n.id, 'note id')
  const ticket = idOf(n.ticket_id, 'note ticket_id')
  const account = idOf(n.account_id, 'note account_id')
  const scope = optionalString(n.scope, 'scope') === 'private' ? 'private' : 'public'
  const createdAt = requiredTime(n.created_at, 'note created_at')
  const conversation = conversationId(connection, ticket)
  const message: Message = {
    id: messageId(connection, ticket, remoteId),
    source: 'snappy',
    connection,
    remoteId,
    conversationId: conversation,
    kind: scope === 'private' ? 'note' : 'email',
    visibility: scope,
    subject: null,
    body: noteBody(optionalString(n.content, 'note content') ?? ''),
    sentAt: createdAt,
    createdAt,
    updatedAt: timeOr(n.updated_at, 'note updated_at', createdAt),
    author: creatorParticipant(n, connection, account),
    participants: optionalArray(n.contacts, 'note contacts')
      .map((c) => contactParticipant(c, connection, account))
      .filter((p) => p !== null),
    // A note comes with its contacts: always the whole list.
    participantsStatus: 'complete',
    tags: context.tags ?? [],
    comments: [],
    attachments: optionalArray(n.attachments, 'note attachments').map((a) =>
      toAttachment(a, connection, ticket, conversation),
    ),
  }
  if (context.includeRemote === true) message.remote = remoteNote(n)
  return message
}

function toAttachment(
  value: unknown,
  connection: string,
  ticket: string,
  conversation: string,
): Message['attachments'][number] {
  const a = asObject(value, 'attachment')
  const id = attachmentId(connection, ticket, idOf(a.id, 'attachment id'))
  const size = typeof a.size === 'number' && Number.isSafeInteger(a.size) && a.size >= 0 ? a.size : 0
  return {
    id,
    filename: optionalString(a.filename ?? a.name, 'attachment filename') ?? 'attachment',
    contentType: optionalString(a.type ?? a.content_type, 'attachment type') ?? 'application/octet-stream',
    size,
    downloadUrl: `/v1/conversations/${conversation}/attachments/${id}`,
  }
}

/** Newest first by `created_at`, ties by id: the order Snappy lists notes in, without relying on it. */
export function newestFirst(a: Message, b: Message): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1
  return Number(b.remoteId) - Number(a.remoteId)
}
