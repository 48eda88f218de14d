/**
 * Wire shapes of tickets, notes and attachments. Tickets and notes send `created_at`,
 * `opened_at` and `last_reply_at` as Unix seconds but `updated_at` and
 * `first_staff_reply_at` as datetime strings, exactly as the live service mixes them.
 */
import type { SnappyStore } from '../store/index.js'
import type { AttachmentRecord, ContactLink, NoteRecord, TicketRecord } from '../store/records.js'
import { sqlTime, sqlTimeOrNull } from '../../../upstreams/snappy/wire.js'
import { contactJson, mailboxJson, participantJson, staffJson } from './directory.js'

export function ticketJson(store: SnappyStore, ticket: TicketRecord) {
  const { directory } = store
  const mailbox = directory.mailboxes.get(ticket.mailboxId)
  return {
    id: ticket.id,
    // Not in the docs' example, but clients need it: notes are posted into a ticket by nonce.
    nonce: ticket.nonce,
    account_id: ticket.accountId,
    mailbox_id: ticket.mailboxId,
    created_via: ticket.createdVia,
    last_reply_by: ticket.lastReplyBy,
    last_reply_at: ticket.lastReplyAt,
    opened_by_staff_id: ticket.openedByStaffId,
    opened_by_contact_id: ticket.openedByContactId,
    opened_at: ticket.openedAt,
    status: ticket.status,
    first_staff_reply_at: sqlTimeOrNull(ticket.firstStaffReplyAt),
    default_subject: ticket.defaultSubject,
    summary: ticket.summary,
    created_at: ticket.createdAt,
    updated_at: sqlTime(ticket.updatedAt),
    unread: ticket.unread,
    tags: [...ticket.tags],
    // The join row mirrors a note's participants: {ticket_id, contact_id, type}.
    contacts: participants(store, ticket.contacts, (contactId, type) => ({
      ticket_id: ticket.id,
      contact_id: contactId,
      type,
    })),
    mailbox: mailbox === undefined ? null : mailboxJson(mailbox),
    opener: creatorJson(store, ticket.openedByStaffId, ticket.openedByContactId),
  }
}

export function noteJson(store: SnappyStore, note: NoteRecord) {
  const staff = note.createdByStaffId === null ? undefined : store.directory.staff.get(note.createdByStaffId)
  const contact = note.createdByContactId === null ? undefined : store.directory.contacts.get(note.createdByContactId)
  const staffCreator = staff === undefined ? null : staffJson(staff)
  const contactCreator = contact === undefined ? null : contactJson(contact)
  return {
    id: note.id,
    account_id: note.accountId,
    ticket_id: note.ticketId,
    facebook_message: note.facebookMessage,
    created_by_staff_id: note.createdByStaffId,
    created_by_contact_id: note.createdByContactId,
    scope: note.scope,
    created_at: note.createdAt,
    updated_at: sqlTime(note.updatedAt),
    content: note.content,
    system: note.system,
    using_html: note.usingHtml,
    raw_headers: note.rawHeaders,
    contacts: participants(store, note.contacts, (contactId, type) => ({
      note_id: note.id,
      contact_id: contactId,
      type,
    })),
    staff_creator: staffCreator,
    contact_creator: contactCreator,
    attachments: store.tickets.attachmentsOf(note.id).map(attachmentJson),
    creator: staffCreator ?? contactCreator,
  }
}

/**
 * Attachments are not in any recording; this mirrors a document's shape plus the ids that
 * tie it to its note, which is what the download route needs.
 */
function attachmentJson(attachment: AttachmentRecord) {
  return {
    id: attachment.id,
    account_id: attachment.accountId,
    ticket_id: attachment.ticketId,
    note_id: attachment.noteId,
    filename: attachment.filename,
    type: attachment.type,
    size: attachment.size,
    storage_key: attachment.storageKey,
    created_at: sqlTime(attachment.createdAt),
    updated_at: sqlTime(attachment.updatedAt),
  }
}

function participants(
  store: SnappyStore,
  links: readonly ContactLink[],
  pivot: (contactId: number, type: string) => Record<string, number | string>,
) {
  const out = []
  for (const link of links) {
    const contact = store.directory.contacts.get(link.contactId)
    if (contact !== undefined) out.push(participantJson(contact, pivot(contact.id, link.type), link.type))
  }
  return out
}

/** Who opened a ticket: a staff member or a contact, or null when neither is known. */
function creatorJson(store: SnappyStore, staffId: number | null, contactId: number | null) {
  const staff = staffId === null ? undefined : store.directory.staff.get(staffId)
  if (staff !== undefined) return staffJson(staff)
  const contact = contactId === null ? undefined : store.directory.contacts.get(contactId)
  return contact === undefined ? null : contactJson(contact)
}
