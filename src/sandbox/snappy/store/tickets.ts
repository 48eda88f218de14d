/**
 * Tickets, their notes and the notes' attachments. These are raw record operations with no
 * side effects on each other; what posting a note does to its ticket lives in
 * `domain/post-note.ts`.
 */
import type { FileStorage } from '../files.js'
import { NONCE_PATTERN, type NonceSource } from '../ids.js'
import type { Unix } from '../../../upstreams/snappy/wire.js'
import type { Directory } from './directory.js'
import type { AttachmentRecord, NoteRecord, TicketRecord } from './records.js'
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

export class TicketStore {
  readonly tickets = new Table<TicketRecord>(268400)
  readonly notes = new Table<NoteRecord>(472200)
  readonly attachments = new Table<AttachmentRecord>(58000)
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
    return this.tickets.insert({
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
  }

  byNonce(nonce: string): TicketRecord | undefined {
    return this.tickets.find((t) => t.nonce === nonce)
  }

  /** A ticket by numeric id or by nonce, the two ways the API addresses one. */
  resolve(idOrNonce: string): TicketRecord | undefined {
    if (/^\d+$/.test(idOrNonce)) return this.tickets.get(Number(idOrNonce))
    return NONCE_PATTERN.test(idOrNonce) ? this.byNonce(idOrNonce) : undefined
  }

  ticketsOf(accountId: number): TicketRecord[] {
    return this.tickets.filter((t) => t.accountId === accountId)
  }

  /** Removes a ticket with its notes and attachments (and their files). */
  async deleteTicket(id: number): Promise<boolean> {
    if (!this.tickets.delete(id)) return false
    for (const note of this.notes.filter((n) => n.ticketId === id)) this.notes.delete(note.id)
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
    return this.notes.insert({
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
  }

  /** Newest first, as the live service lists them. */
  notesOf(ticketId: number): NoteRecord[] {
    return this.notes.filter((n) => n.ticketId === ticketId).sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
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
