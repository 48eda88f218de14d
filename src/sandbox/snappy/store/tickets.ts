/**
 * Tickets, their notes and the notes' attachments. `createTicket`, `createNote` and the
 * attachment methods are raw record operations with no side effects on each other (seed data
 * sets every field itself); what posting a note does to its ticket lives in
 * `domain/post-note.ts`. For changes made "outside" a client, as the live service's web app
 * would make them, `updateTicket`, `closeTicket` and `addNote` also bump the ticket's
 * `updatedAt`, and `addNote` moves the ticket along as a posted note does.
 */
import type { FileStorage } from '../files.js'
import { NONCE_PATTERN, type NonceSource } from '../ids.js'
import { htmlToText, summarize } from '../text.js'
import type { Unix } from '../../../upstreams/snappy/wire.js'
import type { Directory } from './directory.js'
import type { AttachmentRecord, ContactLink, NoteRecord, TicketRecord } from './records.js'
import { Table } from './table.js'

export type TicketInput = Partial<Omit<TicketRecord, 'accountId'>> & Pick<TicketRecord, 'mailboxId'>
export type NoteInput = Partial<Omit<NoteRecord, 'accountId'>> & Pick<NoteRecord, 'ticketId' | 'content'>
export interface AttachmentInput {
  id?: number
  noteId: number
  filename: string
  type: string
  /** Bytes to keep on disk. */
  bytes: Uint8Array
  storageKey?: string
  createdAt?: Unix
}

/** What `updateTicket` may change. */
export type TicketChanges = Partial<Pick<TicketRecord, 'status' | 'tags' | 'defaultSubject' | 'summary' | 'unread'>>

/**
 * What a public note does to its ticket: a customer's makes it `waiting` (and unread), a
 * staff member's `replied`; it becomes the latest reply and the summary.
 */
export function recordReply(ticket: TicketRecord, reply: { byStaff: boolean; at: Unix; text: string }): void {
  Object.assign(ticket, {
    status: reply.byStaff ? 'replied' : 'waiting',
    lastReplyBy: reply.byStaff ? 'staff' : 'customer',
    lastReplyAt: reply.at,
    unread: !reply.byStaff,
    summary: summarize(reply.text),
  })
  if (reply.byStaff) ticket.firstStaffReplyAt ??= reply.at
}

export class TicketStore {
  readonly tickets = new Table<TicketRecord>(268400)
  readonly notes = new Table<NoteRecord>(472200)
  readonly attachments = new Table<AttachmentRecord>(58000)
  /** Notes per ticket id, so a ticket's notes are found without scanning every note. */
  readonly #notesByTicket = new Map<number, NoteRecord[]>()
  /** Ticket id per nonce, so nonces resolve (and new ones are checked) without a scan. */
  readonly #idsByNonce = new Map<string, number>()
  readonly #directory: Directory
  readonly #files: FileStorage
  readonly #nonces: NonceSource
  readonly #now: () => Unix

  constructor(directory: Directory, files: FileStorage, nonces: NonceSource, now: () => Unix) {
    this.#directory = directory
    this.#files = files
    this.#nonces = nonces
    this.#now = now
  }

  /** Creates a ticket in `mailboxId`'s account; `nonce` may be given (16 of [a-z0-9]). */
  createTicket(input: TicketInput): TicketRecord {
    const mailbox = this.#directory.mailboxes.get(input.mailboxId)
    if (mailbox === undefined) throw new Error(`no mailbox ${input.mailboxId}`)
    if (input.nonce !== undefined) {
      if (!NONCE_PATTERN.test(input.nonce)) throw new RangeError(`invalid nonce ${input.nonce}`)
      if (this.byNonce(input.nonce) !== undefined) throw new Error(`nonce ${input.nonce} already exists`)
    }
    const at = input.createdAt ?? this.#now()
    const ticket = this.tickets.insert({
      createdVia: 'email',
      lastReplyBy: 'customer',
      lastReplyAt: at,
      openedByStaffId: null,
      openedByContactId: null,
      openedAt: at,
      status: 'waiting',
      firstStaffReplyAt: null,
      defaultSubject: '',
      summary: '',
      updatedAt: at,
      unread: true,
      ...input,
      tags: [...(input.tags ?? [])],
      contacts: [...(input.contacts ?? [])],
      id: this.tickets.takeId(input.id),
      nonce: input.nonce ?? this.#nonces.next((n) => this.byNonce(n) !== undefined),
      accountId: mailbox.accountId,
      createdAt: at,
    })
    this.#idsByNonce.set(ticket.nonce, ticket.id)
    return ticket
  }

  byNonce(nonce: string): TicketRecord | undefined {
    const id = this.#idsByNonce.get(nonce)
    const ticket = id === undefined ? undefined : this.tickets.get(id)
    return ticket?.nonce === nonce ? ticket : undefined
  }

  /** A ticket by numeric id or by nonce, the two ways the API addresses one. */
  resolve(idOrNonce: string): TicketRecord | undefined {
    if (/^\d+$/.test(idOrNonce)) return this.tickets.get(Number(idOrNonce))
    return NONCE_PATTERN.test(idOrNonce) ? this.byNonce(idOrNonce) : undefined
  }

  ticketsOf(accountId: number): TicketRecord[] {
    return this.tickets.filter((t) => t.accountId === accountId)
  }

  /** Applies the changes and bumps `updatedAt`; undefined when there is no such ticket. */
  updateTicket(id: number, changes: TicketChanges): TicketRecord | undefined {
    const ticket = this.tickets.get(id)
    if (ticket === undefined) return undefined
    Object.assign(ticket, Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)))
    if (changes.tags !== undefined) ticket.tags = [...changes.tags]
    this.#touch(ticket)
    return ticket
  }

  /** Status `closed` (out of every queue), bumping `updatedAt`. */
  closeTicket(id: number): TicketRecord | undefined {
    return this.updateTicket(id, { status: 'closed' })
  }

  /**
   * Adds a note as if it had been posted: a public note moves the ticket along (see
   * `recordReply`), its participants join the ticket's, and `updatedAt` is bumped. A staff
   * note's `content` is served as given (staff notes are HTML: see `renderStaffHtml`).
   */
  addNote(input: NoteInput): NoteRecord {
    const note = this.createNote(input)
    const ticket = this.tickets.get(note.ticketId) as TicketRecord
    const byStaff = note.createdByStaffId !== null
    if (note.scope === 'public')
      recordReply(ticket, { byStaff, at: note.createdAt, text: byStaff ? htmlToText(note.content) : note.content })
    const known = new Set(ticket.contacts.map((c) => `${c.contactId}:${c.type}`))
    const joining: ContactLink[] = note.contacts.filter((c) => !known.has(`${c.contactId}:${c.type}`))
    if (joining.length > 0) ticket.contacts = [...ticket.contacts, ...joining]
    this.#touch(ticket)
    return note
  }

  /** Removes a ticket with its notes and attachments (and their files). */
  async deleteTicket(id: number): Promise<boolean> {
    const ticket = this.tickets.get(id)
    if (ticket === undefined || !this.tickets.delete(id)) return false
    this.#idsByNonce.delete(ticket.nonce)
    for (const note of this.#notesByTicket.get(id) ?? []) this.notes.delete(note.id)
    this.#notesByTicket.delete(id)
    for (const attachment of this.attachments.filter((a) => a.ticketId === id)) {
      this.attachments.delete(attachment.id)
      await this.#files.remove(attachment.filePath)
    }
    return true
  }

  createNote(input: NoteInput): NoteRecord {
    const ticket = this.tickets.get(input.ticketId)
    if (ticket === undefined) throw new Error(`no ticket ${input.ticketId}`)
    const at = input.createdAt ?? this.#now()
    const note = this.notes.insert({
      facebookMessage: null,
      createdByStaffId: null,
      createdByContactId: null,
      scope: 'public',
      updatedAt: at,
      system: 0,
      usingHtml: 0,
      rawHeaders: null,
      ...input,
      contacts: [...(input.contacts ?? [])],
      id: this.notes.takeId(input.id),
      accountId: ticket.accountId,
      createdAt: at,
    })
    const onTicket = this.#notesByTicket.get(ticket.id)
    if (onTicket === undefined) this.#notesByTicket.set(ticket.id, [note])
    else onTicket.push(note)
    return note
  }

  /** Newest first, as the live service lists them. */
  notesOf(ticketId: number): NoteRecord[] {
    const onTicket = this.#notesByTicket.get(ticketId) ?? []
    return onTicket.filter((n) => this.notes.get(n.id) === n).sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
  }

  /** `updatedAt` becomes now (it never goes back). */
  #touch(ticket: TicketRecord): void {
    ticket.updatedAt = Math.max(ticket.updatedAt, this.#now())
  }

  /** Writes `bytes` to disk and attaches them to a note. */
  attachBytes(input: AttachmentInput): AttachmentRecord {
    const { filePath, size } = this.#files.writeBytes(input.bytes)
    return this.addAttachment({ ...input, filePath, size })
  }

  /** Attaches a file already on disk (written by `FileStorage`). */
  addAttachment(input: Omit<AttachmentInput, 'bytes'> & { filePath: string; size: number }): AttachmentRecord {
    const note = this.notes.get(input.noteId)
    if (note === undefined) throw new Error(`no note ${input.noteId}`)
    const at = input.createdAt ?? this.#now()
    return this.attachments.insert({
      id: this.attachments.takeId(input.id),
      accountId: note.accountId,
      ticketId: note.ticketId,
      noteId: note.id,
      filename: input.filename,
      type: input.type,
      size: input.size,
      storageKey: input.storageKey ?? this.#nonces.storageKey(),
      filePath: input.filePath,
      createdAt: at,
      updatedAt: at,
    })
  }

  attachmentsOf(noteId: number): AttachmentRecord[] {
    return this.attachments.filter((a) => a.noteId === noteId)
  }
}
