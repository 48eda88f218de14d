/**
 * Forty tickets cut from the conversations, spread over September 2014 across both
 * accounts and their mailboxes, with 1–6 notes each, some private staff notes, cc'd
 * contacts, assignment tags (`@username`), every status, and a few attachments.
 */
import { STAFF_NOTE_USING_HTML } from '../domain/post-note.js'
import type { Prng } from '../ids.js'
import type { SnappyStore } from '../store/index.js'
import type { ContactLink, TicketRecord, TicketStatus } from '../store/records.js'
import { renderStaffHtml, summarize } from '../text.js'
import { fromSqlTime } from '../../../upstreams/snappy/wire.js'
import { CONVERSATIONS, type Conversation } from './conversations.js'
import { allBytes, PNG_1X1, pdf, text } from './files.js'
import {
  MEMBERS,
  PRAEKELT_ACCOUNT,
  PRAEKELT_JOBS_MAILBOX,
  PRAEKELT_MAILBOX,
  WCL_ACCOUNT,
  WCL_BILLING_MAILBOX,
  WCL_MAILBOX,
} from './identities.js'

const SEEDED_TICKETS = 40

const ATTACHMENTS: Record<number, { filename: string; type: string; bytes: Buffer }[]> = {
  1: [{ filename: 'safari-console.png', type: 'image/png', bytes: PNG_1X1 }],
  8: [{ filename: 'invoice-1042.pdf', type: 'application/pdf', bytes: pdf('Invoice 1042') }],
  10: [
    {
      filename: 'contacts sample (UTF-8).csv',
      type: 'text/csv',
      bytes: text('name,email\nJosé Núñez,jose.nunez@correo.example.mx\n山田 太郎,taro.yamada@example.jp\n'),
    },
  ],
  16: [
    { filename: 'résumé.pdf', type: 'application/pdf', bytes: pdf('Resume') },
    { filename: 'raw-dump.bin', type: 'application/octet-stream', bytes: allBytes() },
  ],
}

function mailboxFor(accountId: number, conversation: Conversation, i: number): number {
  if (accountId === WCL_ACCOUNT) return conversation.billing === true ? WCL_BILLING_MAILBOX : WCL_MAILBOX
  return i % 8 === 7 ? PRAEKELT_JOBS_MAILBOX : PRAEKELT_MAILBOX
}

/** A few tickets are parked or finished regardless of who spoke last. */
function statusOverride(i: number): TicketStatus | undefined {
  if (i % 9 === 4) return 'closed'
  if (i % 13 === 6) return 'followup'
  return undefined
}

export function seedTickets(store: SnappyStore, prng: Prng, contacts: Record<number, number[]>): void {
  const base = fromSqlTime('2014-09-01 07:45:00')
  for (let i = 0; i < SEEDED_TICKETS; i++) {
    const conversation = CONVERSATIONS[i % CONVERSATIONS.length] as Conversation
    const accountId = i % 4 === 3 ? PRAEKELT_ACCOUNT : WCL_ACCOUNT
    const openedAt = base + i * 13 * 3600 + prng.int(0, 3000)
    const known = (contacts[accountId] ?? []).filter(
      (id) => (store.directory.contacts.get(id)?.createdAt ?? Infinity) < openedAt,
    )
    const customer = prng.pick(known)
    const cc = prng.chance(0.2) ? prng.pick(known.filter((id) => id !== customer)) : undefined
    const members = MEMBERS[accountId] ?? []
    const agent = members[i % members.length] as number
    const username = store.directory.membership(accountId, agent)?.username ?? ''

    const ticket = store.tickets.createTicket({
      mailboxId: mailboxFor(accountId, conversation, i),
      createdVia: prng.pick(['email', 'email', 'email', 'widget', 'api']),
      openedByContactId: customer,
      openedAt,
      createdAt: openedAt,
      defaultSubject: conversation.subject,
      tags: [...conversation.tags, ...(i % 3 === 0 ? [] : [`@${username}`])],
      contacts: [
        { contactId: customer, type: 'from' },
        ...(cc === undefined ? [] : [{ contactId: cc, type: 'cc' as const }]),
      ],
    })
    addNotes(store, prng, ticket, conversation, i, { customer, cc, agent, members })
  }
}

interface Cast {
  customer: number
  cc: number | undefined
  agent: number
  members: number[]
}

function addNotes(
  store: SnappyStore,
  prng: Prng,
  ticket: TicketRecord,
  conversation: Conversation,
  i: number,
  cast: Cast,
): void {
  // The first pass over the conversations plays them whole; later tickets stop part-way.
  const length = i < CONVERSATIONS.length ? conversation.turns.length : 1 + ((i * 7) % conversation.turns.length)
  const turns = conversation.turns.slice(0, length)
  let at = ticket.openedAt
  let lastPublic: { by: 'customer' | 'staff'; text: string; at: number } | undefined
  turns.forEach((turn, k) => {
    if (k > 0) at += prng.int(20 * 60, 20 * 3600)
    const byStaff = turn.by === 'staff'
    const isPrivate = turn.private === true
    const author = isPrivate ? prng.pick(cast.members) : cast.agent
    const people: ContactLink[] = isPrivate ? [] : [{ contactId: cast.customer, type: byStaff ? 'to' : 'from' }]
    if (!isPrivate && cast.cc !== undefined) people.push({ contactId: cast.cc, type: 'cc' })
    const note = store.tickets.createNote({
      ticketId: ticket.id,
      createdByStaffId: byStaff ? author : null,
      createdByContactId: byStaff ? null : cast.customer,
      scope: isPrivate ? 'private' : 'public',
      content: byStaff ? renderStaffHtml(turn.text) : turn.text,
      usingHtml: STAFF_NOTE_USING_HTML,
      rawHeaders:
        byStaff || ticket.createdVia !== 'email'
          ? null
          : `Message-ID: <${ticket.nonce}.${k}@mail.example.com>\r\nContent-Type: text/plain; charset=UTF-8`,
      contacts: people,
      createdAt: at,
    })
    if (k === 0)
      for (const file of ATTACHMENTS[i] ?? []) store.tickets.attachBytes({ noteId: note.id, ...file, createdAt: at })
    if (isPrivate) return
    lastPublic = { by: turn.by, text: turn.text, at }
    if (byStaff) ticket.firstStaffReplyAt ??= at
  })
  if (lastPublic === undefined) return
  const status = statusOverride(i) ?? (lastPublic.by === 'customer' ? 'waiting' : 'replied')
  Object.assign(ticket, {
    status,
    lastReplyBy: lastPublic.by,
    lastReplyAt: lastPublic.at,
    summary: summarize(lastPublic.text),
    unread: status === 'waiting' && i % 3 !== 0,
    updatedAt: at + prng.int(5, 600),
  })
}
