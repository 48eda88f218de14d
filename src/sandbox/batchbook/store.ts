/**
 * The simulator's in-memory data. Routes and tests go through these typed methods; every
 * method hands out copies, so a caller cannot change stored records behind the store's back.
 *
 * Any change a client could see in a communication's document bumps its `updatedAt`: its own
 * fields, and also its participants, tags and comments (the document carries tags and
 * comments inline, and a client that syncs with `updated_since` must see those changes too).
 * Lists stay fast at benchmark sizes (100,000 communications): the newest-first order and the
 * comments of each communication are indexed rather than recomputed per request.
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
  /**
   * Whether adding the comment bumps the communication's `updatedAt` (default true). Seed
   * data that writes history with its own times passes false.
   */
  touch?: boolean
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
  /** Comments per communication id, in the order they were added. */
  readonly #commentsByRecord = new Map<number, MegaComment[]>()
  /** Every communication in list order (see `listCommunications`); null until first needed. */
  #ordered: Communication[] | null = null
  /** Every comment by ascending id; null when it must be rebuilt. */
  #commentOrder: MegaComment[] | null = null
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
    if (this.#ordered !== null) this.#ordered.splice(this.#orderIndex(communication), 0, communication)
    // Part of the new record: its times are the ones given, not bumped.
    for (const p of input.participants ?? []) this.#addParticipant(communication, p.contactId, p.role)
    if (input.tags !== undefined) this.#addTags(communication, input.tags)
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
    const offset = query.offset ?? 0
    const limit = query.limit ?? Infinity
    const page: Communication[] = []
    if (limit <= 0) return page
    let skipped = 0
    for (const c of this.#listOrder()) {
      if (!matchesQuery(c, query)) continue
      if (skipped < offset) skipped++
      else if (page.push(copyCommunication(c)) >= limit) break
    }
    return page
  }

  /** How many communications the store holds. */
  get communicationCount(): number {
    return this.#communications.size
  }

  /** Applies the given fields and bumps `updatedAt`; undefined when there is no such record. */
  updateCommunication(id: number, patch: CommunicationPatch): Communication | undefined {
    const communication = this.#communications.get(id)
    if (communication === undefined) return undefined
    if (patch.subject !== undefined) communication.subject = patch.subject
    if (patch.body !== undefined) communication.body = patch.body
    if (patch.date !== undefined) {
      const date = truncateToSecond(patch.date)
      if (date !== communication.date) {
        // The list order depends on the date: move the record to its new place.
        this.#unorder(communication)
        communication.date = date
        if (this.#ordered !== null) this.#ordered.splice(this.#orderIndex(communication), 0, communication)
      }
    }
    if (patch.ctype !== undefined) communication.ctype = patch.ctype
    this.#touch(communication)
    return copyCommunication(communication)
  }

  /** Removes the communication and its comments. */
  deleteCommunication(id: number): boolean {
    const communication = this.#communications.get(id)
    if (communication === undefined) return false
    this.#unorder(communication)
    this.#communications.delete(id)
    for (const comment of this.#commentsByRecord.get(id) ?? []) this.#comments.delete(comment.id)
    if (this.#commentsByRecord.delete(id)) this.#commentOrder = null
    return true
  }

  // Participants

  /**
   * Adds the contact in that role (once), bumping `updatedAt` when it was not there yet;
   * false when the communication or contact is missing.
   */
  addParticipant(communicationId: number, contactId: number, role: ParticipantRole): boolean {
    const communication = this.#communications.get(communicationId)
    if (communication === undefined || !this.#contacts.has(contactId)) return false
    if (this.#addParticipant(communication, contactId, role)) this.#touch(communication)
    return true
  }

  /**
   * Removes the contact from that role, bumping `updatedAt` when it was there; true when the
   * communication exists (even if the contact was not there).
   */
  removeParticipant(communicationId: number, contactId: number, role: ParticipantRole): boolean {
    const communication = this.#communications.get(communicationId)
    if (communication === undefined) return false
    const before = communication.participants.length
    communication.participants = communication.participants.filter(
      (p) => !(p.contactId === contactId && p.role === role),
    )
    if (communication.participants.length !== before) this.#touch(communication)
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

  /**
   * Adds the named tags (creating shared tags as needed), bumping `updatedAt` when one was
   * new to the record; undefined for a missing communication.
   */
  addTags(communicationId: number, names: readonly string[]): Tag[] | undefined {
    const communication = this.#communications.get(communicationId)
    if (communication === undefined) return undefined
    if (this.#addTags(communication, names)) this.#touch(communication)
    return this.tagsOf(communicationId)
  }

  /** Removes the named tags that are on the record (others are ignored), bumping `updatedAt` when one was. */
  removeTags(communicationId: number, names: readonly string[]): Tag[] | undefined {
    const communication = this.#communications.get(communicationId)
    if (communication === undefined) return undefined
    const drop = new Set(names.map((n) => this.#tagIdsByName.get(n.trim().toLowerCase())))
    const before = communication.tagIds.length
    communication.tagIds = communication.tagIds.filter((id) => !drop.has(id))
    if (communication.tagIds.length !== before) this.#touch(communication)
    return this.tagsOf(communicationId)
  }

  tagsOf(communicationId: number): Tag[] | undefined {
    const communication = this.#communications.get(communicationId)
    if (communication === undefined) return undefined
    return communication.tagIds.map((id) => ({ ...(this.#tags.get(id) as Tag) }))
  }

  // Comments

  /** Adds a comment and (unless `touch` is false) bumps the communication's `updatedAt`; undefined when it is missing. */
  createComment(input: CommentInput): MegaComment | undefined {
    const communication = this.#communications.get(input.recordId)
    if (communication === undefined) return undefined
    const id = this.#takeFree(this.#commentIds, input.id, this.#comments)
    const comment: MegaComment = {
      id,
      recordId: input.recordId,
      comment: input.comment,
      user: input.user,
      createdAt: truncateToSecond(input.createdAt ?? this.#timestamp()),
    }
    this.#comments.set(id, comment)
    const onRecord = this.#commentsByRecord.get(comment.recordId)
    if (onRecord === undefined) this.#commentsByRecord.set(comment.recordId, [comment])
    else onRecord.push(comment)
    const order = this.#commentOrder
    if (order !== null && (order.length === 0 || (order[order.length - 1] as MegaComment).id < id)) order.push(comment)
    else this.#commentOrder = null
    if (input.touch !== false) this.#touch(communication)
    return { ...comment }
  }

  getComment(id: number): MegaComment | undefined {
    const comment = this.#comments.get(id)
    return comment === undefined ? undefined : { ...comment }
  }

  /** All comments, oldest (lowest id) first; or only `limit` of them from `offset` on. */
  listComments(page: { offset?: number; limit?: number } = {}): MegaComment[] {
    this.#commentOrder ??= [...this.#comments.values()].sort((a, b) => a.id - b.id)
    const offset = page.offset ?? 0
    const end = page.limit === undefined ? undefined : offset + page.limit
    return this.#commentOrder.slice(offset, end).map((c) => ({ ...c }))
  }

  /** Comments on one communication, oldest first. */
  commentsOf(communicationId: number): MegaComment[] {
    const onRecord = this.#commentsByRecord.get(communicationId) ?? []
    return onRecord.map((c) => ({ ...c })).sort((a, b) => a.id - b.id)
  }

  /** Changes the text, bumping the communication's `updatedAt` when it differs. */
  updateComment(id: number, text: string): MegaComment | undefined {
    const comment = this.#comments.get(id)
    if (comment === undefined) return undefined
    if (comment.comment !== text) {
      comment.comment = text
      this.#touchId(comment.recordId)
    }
    return { ...comment }
  }

  /** Removes the comment, bumping its communication's `updatedAt`. */
  deleteComment(id: number): boolean {
    const comment = this.#comments.get(id)
    if (comment === undefined) return false
    this.#comments.delete(id)
    const onRecord = this.#commentsByRecord.get(comment.recordId)
    if (onRecord !== undefined) {
      const left = onRecord.filter((c) => c.id !== id)
      if (left.length === 0) this.#commentsByRecord.delete(comment.recordId)
      else this.#commentsByRecord.set(comment.recordId, left)
    }
    this.#commentOrder = null
    this.#touchId(comment.recordId)
    return true
  }

  /** Forgets every record (ids keep counting up, as a database's would). */
  clear(): void {
    this.#contacts.clear()
    this.#tags.clear()
    this.#tagIdsByName.clear()
    this.#communications.clear()
    this.#comments.clear()
    this.#commentsByRecord.clear()
    this.#ordered = null
    this.#commentOrder = null
  }

  /** A change the communication's document shows: `updatedAt` becomes now (it never goes back). */
  #touch(communication: Communication): void {
    communication.updatedAt = Math.max(communication.updatedAt, this.#timestamp())
  }

  #touchId(communicationId: number): void {
    const communication = this.#communications.get(communicationId)
    if (communication !== undefined) this.#touch(communication)
  }

  /** True when the contact was added (it exists and was not there in that role). */
  #addParticipant(communication: Communication, contactId: number, role: ParticipantRole): boolean {
    if (!this.#contacts.has(contactId)) return false
    if (communication.participants.some((p) => p.contactId === contactId && p.role === role)) return false
    communication.participants.push({ contactId, role })
    return true
  }

  /** True when at least one of the tags was new to the record. */
  #addTags(communication: Communication, names: readonly string[]): boolean {
    let added = false
    for (const name of names) {
      const tag = this.tagNamed(name)
      if (!communication.tagIds.includes(tag.id)) {
        communication.tagIds.push(tag.id)
        added = true
      }
    }
    return added
  }

  /** Newest `date` first, then highest id first: built once, then kept in order on every change. */
  #listOrder(): Communication[] {
    this.#ordered ??= [...this.#communications.values()].sort(listOrder)
    return this.#ordered
  }

  /** Where `communication` belongs in the list order (binary search). */
  #orderIndex(communication: Communication): number {
    const ordered = this.#ordered ?? []
    let low = 0
    let high = ordered.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (listOrder(ordered[mid] as Communication, communication) < 0) low = mid + 1
      else high = mid
    }
    return low
  }

  /** Takes the communication out of the list order (before its date changes or it goes). */
  #unorder(communication: Communication): void {
    if (this.#ordered === null) return
    const at = this.#orderIndex(communication)
    if (this.#ordered[at] === communication) this.#ordered.splice(at, 1)
    else this.#ordered = null // not where expected: rebuild on the next list
  }

  #takeFree(sequence: IdSequence, wanted: number | undefined, taken: Map<number, unknown>): number {
    if (wanted !== undefined && (!Number.isSafeInteger(wanted) || wanted < 1))
      throw new RangeError(`invalid id ${wanted}`)
    if (wanted !== undefined && taken.has(wanted)) throw new RangeError(`id ${wanted} is taken`)
    return sequence.take(wanted)
  }
}

/** The list order: newest `date` first and, for equal dates, highest id first. */
function listOrder(a: Communication, b: Communication): number {
  return b.date - a.date || b.id - a.id
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
