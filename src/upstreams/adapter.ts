/**
 * What every source adapter offers the routes. An operation a source cannot perform is
 * simply absent, and the routes answer 405 `unsupported_by_source` without an upstream call.
 * `parts` are the upstream ids an opaque id carries (BatchBook: [communicationId]; Snappy:
 * [ticketId, noteId] for a message).
 */
import type { ConnectionConfig } from '../config.js'
import type { Comment, Message, Participant } from '../schemas/message.js'
import type { BatchBookMessageInput, SnappyMessageInput } from '../schemas/message-input.js'
import type { Capabilities } from '../schemas/source.js'
import type { UpstreamEngine } from './engine.js'

export interface MessageFilters {
  kind?: Message['kind']
  /** Upstream ids of a contact of this connection. */
  contactParts?: readonly string[]
  /** Upstream ids of a conversation of this connection. */
  conversationParts?: readonly string[]
  createdSince?: string
  createdBefore?: string
  updatedSince?: string
  updatedBefore?: string
}

export interface MessagePageQuery {
  /** Position in this connection's newest-first sequence of matching messages. */
  offset: number
  limit: number
  filters: MessageFilters
  /** Records per upstream page where the source pages (BatchBook: its documented 10 unless configured). */
  pageSize?: number
}

export interface MessagePage {
  /** Newest first by `sentAt`. */
  items: Message[]
  /** True when the upstream has nothing after these items. */
  exhausted: boolean
}

export interface MessageReadOptions {
  /** Load participants even where that costs extra upstream calls. */
  expandParticipants: boolean
  /** Add the sanitized upstream record as `remote`. */
  includeRemote: boolean
  /** Read the upstream, not the cache (the sync, and a client's `Cache-Control: no-cache`). */
  fresh?: boolean
}

export type ParticipantRole = Participant['role']

export interface MessagePatch {
  kind?: Message['kind']
  subject?: string
  body?: string
  sentAt?: string
}

export interface SourceAdapter {
  readonly connection: ConnectionConfig
  readonly engine: UpstreamEngine

  listMessages?(query: MessagePageQuery, options: MessageReadOptions): Promise<MessagePage>
  getMessage?(parts: readonly string[], options: MessageReadOptions): Promise<Message>
  createMessage?(input: BatchBookMessageInput | SnappyMessageInput, options: MessageReadOptions): Promise<Message>
  updateMessage?(parts: readonly string[], patch: MessagePatch, options: MessageReadOptions): Promise<Message>
  deleteMessage?(parts: readonly string[]): Promise<void>

  listParticipants?(parts: readonly string[], role?: ParticipantRole): Promise<Participant[]>
  addParticipant?(
    parts: readonly string[],
    contactParts: readonly string[],
    role: ParticipantRole,
  ): Promise<Participant[]>
  removeParticipant?(parts: readonly string[], contactParts: readonly string[], role: ParticipantRole): Promise<void>

  listTags?(parts: readonly string[]): Promise<string[]>
  addTag?(parts: readonly string[], tag: string): Promise<string[]>
  removeTag?(parts: readonly string[], tag: string): Promise<void>

  listComments?(parts: readonly string[]): Promise<Comment[]>
  addComment?(parts: readonly string[], body: string): Promise<Comment>
  updateComment?(parts: readonly string[], commentParts: readonly string[], body: string): Promise<Comment>
  deleteComment?(parts: readonly string[], commentParts: readonly string[]): Promise<void>
}

/** What an adapter can do follows from the operations it has, so the two never disagree. */
export function capabilitiesOf(adapter: SourceAdapter): Capabilities {
  return {
    messages: {
      list: adapter.listMessages !== undefined,
      read: adapter.getMessage !== undefined,
      create: adapter.createMessage !== undefined,
      update: adapter.updateMessage !== undefined,
      delete: adapter.deleteMessage !== undefined,
      participants: adapter.listParticipants !== undefined,
      tags: adapter.listTags !== undefined,
      comments: adapter.listComments !== undefined,
    },
  }
}
