/**
 * The simulator's in-memory data. Routes and tests go through these typed methods; every
 * method hands out copies, so a caller cannot change stored records behind the store's back.
 */
import { truncateToSecond } from '../../upstreams/batchbook/wire.js'
import type {
  Communication,
  Contact,
  ContactKind,
  Ctype,
  MegaComment,
  Participant,
  ParticipantRole,
  Tag,
} from './model.js'

export interface ContactInput {
  /** Fixed id (seed data, tests); the next free id when absent. */
  id?: number
  kind: ContactKind
  name: string
}

export interface CommunicationInput {
  id?: number
  subject?: string
  body?: string
  /** When the communication happened; defaults to its creation time. */
  date?: number
  ctype: Ctype
  tags?: string[]
  participants?: Participant[]
  /** Defaults to now. */
  createdAt?: number
  /** Defaults to `createdAt`. */
  updatedAt?: number
}

export type CommunicationPatch = Partial<Pick<Communication, 'subject' | 'body' | 'date' | 'ctype'>>

export interface CommunicationQuery {
  ctype?: Ctype
  /** Only communications this contact takes part in (any role). */
  contactId?: number
  /** Inclusive lower bound on `updatedAt`. */
  updatedSince?: number
  /** Exclusive upper bound on `updatedAt`. */
  updatedBefore?: number
  createdSince?: number
  createdBefore?: number
  /** Defaults to 0. */
  offset?: number
  /** Defaults to everything that matches. */
  limit?: number
}

export interface CommentInput {
  id?: number
  recordId: number
  comment: string
  user: string
  createdAt?: number
}

export interface ParticipantView {
  contact: Contact
  role: ParticipantRole
}

export interface BatchBookStoreOptions {
  /** Clock for created/updated times (not the rate limiter's). */
  now?: () => number
}

class IdSequence {
  #next: number
  constructor(first: number) {
    this.#next = first
  }
  /** Uses `wanted` when given (keeping later ids above it), else the next free id. */
  take(wanted: number | undefined): number {
    const id = wanted ?? this.#next
    this.#next = Math.max(this.#next, id + 1)
    return id
  }
  /** Makes the next id at least `first`. */
  skipTo(first: number): void {
    this.#next = Math.max(this.#next, first)
  }
}

const copyCommunication = (c: Communication): Communication => ({
  ...c,
  tagIds: [...c.tagIds],
  participants: c.participants.map((p) => ({ ...p })),
})

export class BatchBookStore {
  readonly #now: () => number
  readonly #contacts = new Map<number, Contact>()
  readonly #tags = new Map<number, Tag>()
  readonly #tagIdsByName = new Map<string, number>()
  readonly #communications = new Map<number, Communication>()
  readonly #comments = new Map<number, MegaComment>()
  readonly #contactIds = new IdSequence(1)
  readonly #tagIds = new IdSequence(1)
  readonly #communicationIds = new IdSequence(1)
  readonly #commentIds = new IdSequence(1)

  constructor(options: BatchBookStoreOptions = {}) {
    this.#now = options.now ?? Date.now
  }

  #timestamp(): number {
    return truncateToSecond(this.#now())
  }

  // Contacts (read-only through the API: they only appear as participants).

  createContact(input: ContactInput): Contact {
    const id = this.#takeFree(this.#contactIds, input.id, this.#contacts)
    const contact: Contact = { id, kind: input.kind, name: input.name }
    this.#contacts.set(id, contact)
    return { ...contact }
  }

  getContact(id: number): Contact | undefined {
    const contact = this.#contacts.get(id)
    return contact === undefined ? undefined : { ...contact }
  }

  listContacts(): Contact[] {
    return [...this.#contacts.values()].map((c) => ({ ...c }))
  }

  // Tags

  /** The tag with this name (compared case-insensitively), created when new. */
  tagNamed(name: string, supertag = false): Tag {
    const trimmed = name.trim()
    if (trimmed === '') throw new RangeError('tag name must not be blank')
    const key = trimmed.toLowerCase()
    const existing = this.#tagIdsByName.get(key)
    if (existing !== undefined) return { ...(this.#tags.get(existing) as Tag) }
    const tag: Tag = { id: this.#tagIds.take(undefined), name: trimmed, supertag }
    this.#tags.set(tag.id, tag)
    this.#tagIdsByName.set(key, tag.id)
    return { ...tag }
  }

  getTag(id: number): Tag | undefined {
    const tag = this.#tags.get(id)
    return tag === undefined ? undefined : { ...tag }
  }

  listTags(): Tag[] {
    return [...this.#tags.values()].map((t) => ({ ...t }))
  }

  /** The next tag created gets at least this id (seed data starts at realistic ids). */
  reserveTagIds(first: number): void {
    this.#tagIds.skipTo(first)
  }

  // Communications

  createCommunication(input: CommunicationInput): Communication {
    const id = this.#takeFree(this.#communicationIds, input.id, this.#communications)
    const createdAt = truncateToSecond(input.createdAt ?? this.#timestamp())
    const communication: Communication = {
      id,
      subject: input.subject ?? '',
      body: input.body ?? '',
      date: truncateToSecond(input.date ?? createdAt),
      ctype: input.ctype,
      tagIds: [],
      participants: [],
      createdAt,
      updatedAt: truncateToSecond(input.updatedAt ?? createdAt),
    }
    this.#communications.set(id, communication)
    for (const p of input.participants ?? []) this.addParticipant(id, p.contactId, p.role)
    if (input.tags !== undefined) this.addTags(id, input.tags)
    return copyCommunication(communication)
  }

  getCommunication(id: number): Communication | undefined {
    const communication = this.#communications.get(id)
    return communication === undefined ? undefined : copyCommunication(communication)
  }

  /**
   * Matching communications, newest `date` first and, for equal dates, highest id first.
   * BatchBook's real order is not documented; newest-first is what a CRM timeline shows, and
   * the id tie-break makes pages stable.
   */
  listCommunications(query: CommunicationQuery = {}): Communication[] {
    const matches = [...this.#communications.values()].filter((c) => matchesQuery(c, query))
    matches.sort((a, b) => b.date - a.date || b.id - a.id)
    const offset = query.offset ?? 0
    const end = query.limit === undefined ? undefined : offset + query.limit
    return matches.slice(offset, end).map(copyCommunication)
  }

  /** Applies the given fields and bumps `updatedAt`; undefined when there is no such record. */
  updateCommunication(id: number, patch: CommunicationPatch): Communication | undefined {
    const communication = this.#communications.get(id)
    if (communication === undefined) return undefined
    if (patch.subject !== undefined) communication.subject = patch.subject
    if (patch.body !== undefined) communication.body = patch.body
    if (patch.date !== undefined) communication.date = truncateToSecond(patch.date)
    if (patch.ctype !== undefined) communication.ctype = patch.ctype
    communication.updatedAt = Math.max(communication.updatedAt, this.#timestamp())
    return copyCommunication(communication)
  }

  /** Removes the communication and its comments. */
  deleteCommunication(id: number): boolean {
    if (!this.#communications.delete(id)) return false
    for (const comment of this.#comments.values()) {
      if (comment.recordId === id) this.#comments.delete(comment.id)
    }
    return true
  }

  // Participants. Changing them, like tags and comments, leaves `updatedAt` alone: they are
  // separate records joined to the communication, and only a PUT of the record itself
  // touches it.

  /** Adds the contact in that role (once); false when the communication or contact is missing. */
  addParticipant(communicationId: number, contactId: number, role: ParticipantRole): boolean {
    const communication = this.#communications.get(communicationId)
    if (communication === undefined || !this.#contacts.has(contactId)) return false
    const present = communication.participants.some((p) => p.contactId === contactId && p.role === role)
    if (!present) communication.participants.push({ contactId, role })
    return true
  }

  /** Removes the contact from that role; true when the communication exists (even if it was not there). */
  removeParticipant(communicationId: number, contactId: number, role: ParticipantRole): boolean {
    const communication = this.#communications.get(communicationId)
    if (communication === undefined) return false
    communication.participants = communication.participants.filter(
      (p) => !(p.contactId === contactId && p.role === role),
    )
    return true
  }

  /** Participants with their contacts, optionally only one role; undefined for a missing communication. */
  participantsOf(communicationId: number, role?: ParticipantRole): ParticipantView[] | undefined {
    const communication = this.#communications.get(communicationId)
    if (communication === undefined) return undefined
    return communication.participants
      .filter((p) => role === undefined || p.role === role)
      .map((p) => ({ contact: { ...(this.#contacts.get(p.contactId) as Contact) }, role: p.role }))
  }

  // Tags on communications

  /** Adds the named tags (creating shared tags as needed); undefined for a missing communication. */
  addTags(communicationId: number, names: readonly string[]): Tag[] | undefined {
    const communication = this.#communications.get(communicationId)
    if (communication === undefined) return undefined
    for (const name of names) {
      const tag = this.tagNamed(name)
      if (!communication.tagIds.includes(tag.id)) communication.tagIds.push(tag.id)
    }
    return this.tagsOf(communicationId)
  }

  /** Removes the named tags that are on the record (others are ignored). */
  removeTags(communicationId: number, names: readonly string[]): Tag[] | undefined {
    const communication = this.#communications.get(communicationId)
    if (communication === undefined) return undefined
    const drop = new Set(names.map((n) => this.#tagIdsByName.get(n.trim().toLowerCase())))
    communication.tagIds = communication.tagIds.filter((id) => !drop.has(id))
    return this.tagsOf(communicationId)
  }

  tagsOf(communicationId: number): Tag[] | undefined {
    const communication = this.#communications.get(communicationId)
    if (communication === undefined) return undefined
    return communication.tagIds.map((id) => ({ ...(this.#tags.get(id) as Tag) }))
  }

  // Comments

  /** Undefined when the communication is missing. */
  createComment(input: CommentInput): MegaComment | undefined {
    if (!this.#communications.has(input.recordId)) return undefined
    const id = this.#takeFree(this.#commentIds, input.id, this.#comments)
    const comment: MegaComment = {
      id,
      recordId: input.recordId,
      comment: input.comment,
      user: input.user,
      createdAt: truncateToSecond(input.createdAt ?? this.#timestamp()),
    }
    this.#comments.set(id, comment)
    return { ...comment }
  }

  getComment(id: number): MegaComment | undefined {
    const comment = this.#comments.get(id)
    return comment === undefined ? undefined : { ...comment }
  }

  /** All comments, oldest (lowest id) first. */
  listComments(): MegaComment[] {
    return [...this.#comments.values()].sort((a, b) => a.id - b.id).map((c) => ({ ...c }))
  }

  /** Comments on one communication, oldest first. */
  commentsOf(communicationId: number): MegaComment[] {
    return this.listComments().filter((c) => c.recordId === communicationId)
  }

  updateComment(id: number, text: string): MegaComment | undefined {
    const comment = this.#comments.get(id)
    if (comment === undefined) return undefined
    comment.comment = text
    return { ...comment }
  }

  deleteComment(id: number): boolean {
    return this.#comments.delete(id)
  }

  /** Forgets every record (ids keep counting up, as a database's would). */
  clear(): void {
    this.#contacts.clear()
    this.#tags.clear()
    this.#tagIdsByName.clear()
    this.#communications.clear()
    this.#comments.clear()
  }

  #takeFree(sequence: IdSequence, wanted: number | undefined, taken: Map<number, unknown>): number {
    if (wanted !== undefined && (!Number.isSafeInteger(wanted) || wanted < 1))
      throw new RangeError(`invalid id ${wanted}`)
    if (wanted !== undefined && taken.has(wanted)) throw new RangeError(`id ${wanted} is taken`)
    return sequence.take(wanted)
  }
}

function matchesQuery(c: Communication, q: CommunicationQuery): boolean {
  if (q.ctype !== undefined && c.ctype !== q.ctype) return false
  if (q.contactId !== undefined && !c.participants.some((p) => p.contactId === q.contactId)) return false
  if (q.updatedSince !== undefined && c.updatedAt < q.updatedSince) return false
  if (q.updatedBefore !== undefined && c.updatedAt >= q.updatedBefore) return false
  if (q.createdSince !== undefined && c.createdAt < q.createdSince) return false
  if (q.createdBefore !== undefined && c.createdAt >= q.createdBefore) return false
  return true
}
