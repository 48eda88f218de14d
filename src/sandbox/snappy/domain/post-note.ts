/**
 * What `POST /note` does: open a ticket (or find the one named by nonce), add the note, and
 * move the ticket along.
 *
 * - A staff note's message is stored rendered as HTML; a customer's note stays plain text.
 * - A new ticket is opened by its author: a customer's ticket starts `waiting` and unread,
 *   a staff member's starts `replied`.
 * - A public note on an existing ticket makes it `waiting` (customer) or `replied` (staff)
 *   and becomes its latest reply and summary; a private note only touches `updated_at`.
 * - Addresses become the note's participants and are added to the ticket's; unknown
 *   addresses become new contacts of the account. Tags are added to the ticket's.
 */
import { ValidationError } from '../errors.js'
import type { SnappyStore } from '../store/index.js'
import type { ContactLink, StaffRecord, TicketRecord } from '../store/records.js'
import { recordReply } from '../store/tickets.js'
import { renderStaffHtml, summarize } from '../text.js'
import type { NotePayload } from './note-payload.js'

/**
 * `using_html` of a note written by staff. Real traffic shows staff notes whose content is
 * rendered HTML with `using_html: 0`, so the flag says nothing reliable about the content.
 */
export const STAFF_NOTE_USING_HTML = 0

export function postNote(store: SnappyStore, caller: StaffRecord | undefined, payload: NotePayload): TicketRecord {
  const { directory, tickets } = store
  const mailbox = directory.mailboxes.get(payload.mailboxId)
  if (
    mailbox === undefined ||
    caller === undefined ||
    directory.membership(mailbox.accountId, caller.id) === undefined
  ) {
    throw ValidationError.single('mailbox_id', 'The selected mailbox id is invalid.')
  }
  const accountId = mailbox.accountId
  const author = payload.staffId === undefined ? undefined : directory.staff.get(payload.staffId)
  if (
    payload.staffId !== undefined &&
    (author === undefined || directory.membership(accountId, author.id) === undefined)
  ) {
    throw ValidationError.single('staff_id', 'The selected staff id is invalid.')
  }
  let ticket = payload.nonce === undefined ? undefined : tickets.byNonce(payload.nonce)
  if (payload.nonce !== undefined && ticket?.accountId !== accountId)
    throw ValidationError.single('id', 'The selected id is invalid.')

  const now = store.now()
  const links: ContactLink[] = payload.addresses.map((a) => ({
    contactId: directory.findOrCreateContact(accountId, a.address, a.name).id,
    type: a.role,
  }))
  const sender = author === undefined ? links.find((l) => l.type === 'from')?.contactId : undefined
  const byStaff = author !== undefined
  const isPublic = payload.scope === 'public'

  if (ticket === undefined) {
    ticket = tickets.createTicket({
      mailboxId: mailbox.id,
      createdVia: 'api',
      openedByStaffId: author?.id ?? null,
      openedByContactId: sender ?? null,
      status: byStaff ? 'replied' : 'waiting',
      lastReplyBy: byStaff ? 'staff' : 'customer',
      unread: !byStaff,
      firstStaffReplyAt: byStaff && isPublic ? now : null,
      defaultSubject: payload.subject?.trim() || '(no subject)',
      summary: summarize(payload.message),
    })
  } else if (isPublic) {
    recordReply(ticket, { byStaff, at: now, text: payload.message })
  }

  const note = tickets.createNote({
    ticketId: ticket.id,
    createdByStaffId: author?.id ?? null,
    createdByContactId: sender ?? null,
    scope: payload.scope,
    content: byStaff ? renderStaffHtml(payload.message) : payload.message,
    usingHtml: byStaff ? STAFF_NOTE_USING_HTML : 0,
    contacts: dedupe(links),
  })
  for (const file of payload.attachments)
    tickets.attachBytes({ noteId: note.id, filename: file.filename, type: file.type, bytes: file.bytes })

  ticket.contacts = dedupe([...ticket.contacts, ...links])
  ticket.tags = [...new Set([...ticket.tags, ...payload.tags])]
  ticket.updatedAt = now
  return ticket
}

function dedupe(links: ContactLink[]): ContactLink[] {
  const seen = new Set<string>()
  return links.filter((l) => {
    const key = `${l.contactId}:${l.type}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
