/**
 * The two searches. "Fuzzy" is taken as: every term of the query occurs, case- and
 * accent-insensitively, somewhere in the record. An empty query finds nothing.
 *
 * Both answer pages of 25 (the page size the docs give for the wall; the search docs give
 * none), newest first (the FAQ search example lists id 2 before id 1).
 */
import type { SnappyStore } from '../store/index.js'
import type { QuestionRecord, TicketRecord } from '../store/records.js'
import { htmlToText, matchesAllTerms } from '../text.js'

const SEARCH_PAGE_SIZE = 25

export interface SearchPage<T> {
  total: number
  page: number
  items: T[]
}

/** `page` as sent; anything that is not a positive integer reads as page 1. */
export function parsePage(raw: unknown): number {
  const page = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : 1
  return page >= 1 ? page : 1
}

function paginate<T>(matches: T[], page: number): SearchPage<T> {
  const start = (page - 1) * SEARCH_PAGE_SIZE
  return { total: matches.length, page, items: matches.slice(start, start + SEARCH_PAGE_SIZE) }
}

function ticketText(store: SnappyStore, ticket: TicketRecord): string {
  const parts = [ticket.nonce, ticket.defaultSubject, ticket.summary, ...ticket.tags]
  for (const link of ticket.contacts) {
    const c = store.directory.contacts.get(link.contactId)
    if (c !== undefined) parts.push(c.firstName, c.lastName, c.value)
  }
  for (const note of store.tickets.notesOf(ticket.id))
    parts.push(note.createdByStaffId !== null ? htmlToText(note.content) : note.content)
  return parts.join('\n')
}

export function searchTickets(
  store: SnappyStore,
  accountId: number,
  query: string,
  page: number,
): SearchPage<TicketRecord> {
  const matches = store.tickets
    .ticketsOf(accountId)
    .filter((t) => matchesAllTerms(query, ticketText(store, t)))
    .sort((a, b) => b.id - a.id)
  return paginate(matches, page)
}

export function searchQuestions(
  store: SnappyStore,
  accountId: number,
  query: string,
  page: number,
): SearchPage<QuestionRecord> {
  const matches = store.faqs
    .questionsOf(accountId)
    .filter((q) => q.active === 1 && matchesAllTerms(query, `${q.question}\n${q.answer}`))
    .sort((a, b) => b.id - a.id)
  return paginate(matches, page)
}
