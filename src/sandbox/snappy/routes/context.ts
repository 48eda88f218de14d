/**
 * What every route needs: the store, the staff member behind the request's API key, and
 * lookups that answer 404 both for missing records and for records in accounts the caller
 * is not a member of (the service does not reveal other accounts' records).
 */
import type { FastifyRequest } from 'fastify'
import { NotFoundError } from '../errors.js'
import type { SnappyStore } from '../store/index.js'
import type { Table } from '../store/table.js'
import type { AccountRecord, MailboxRecord, MembershipRecord, StaffRecord, TicketRecord } from '../store/records.js'

export interface RouteContext {
  store: SnappyStore
}

export interface Caller {
  staff: StaffRecord
  membership: MembershipRecord
  account: AccountRecord
}

export function parseId(raw: string | undefined): number | undefined {
  return raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : undefined
}

/**
 * The record `rawId` names in `table`, when it `belongs` where the route reaches it (its
 * account, ticket, post…); otherwise 404 `what`, so other accounts' records stay unseen.
 */
export function requireRecord<T extends { id: number }>(
  table: Table<T>,
  rawId: string | undefined,
  belongs: (record: T) => boolean,
  what: string,
): T {
  const id = parseId(rawId)
  const record = id === undefined ? undefined : table.get(id)
  if (record === undefined || !belongs(record)) throw new NotFoundError(what)
  return record
}

/** The staff member the request's key acts as, or undefined when the store has none. */
export function callerStaff(store: SnappyStore, request: FastifyRequest): StaffRecord | undefined {
  return request.simCredential === null ? undefined : store.directory.staffForKey(request.simCredential)
}

/** The account `rawId` names, when the caller is a member of it; otherwise 404. */
export function requireAccount(store: SnappyStore, request: FastifyRequest, rawId: string | undefined): Caller {
  const staff = callerStaff(store, request)
  const id = parseId(rawId)
  const account = id === undefined ? undefined : store.directory.accounts.get(id)
  const membership =
    account === undefined || staff === undefined ? undefined : store.directory.membership(account.id, staff.id)
  if (account === undefined || staff === undefined || membership === undefined) throw new NotFoundError('account')
  return { staff, membership, account }
}

export function requireMailbox(
  store: SnappyStore,
  request: FastifyRequest,
  rawId: string | undefined,
): Caller & { mailbox: MailboxRecord } {
  // Any mailbox at first: the account check below is the caller's.
  const mailbox = requireRecord(store.directory.mailboxes, rawId, () => true, 'mailbox')
  return { ...requireAccount(store, request, String(mailbox.accountId)), mailbox }
}

/** A ticket by numeric id or nonce, in one of the caller's accounts. */
export function requireTicket(
  store: SnappyStore,
  request: FastifyRequest,
  idOrNonce: string | undefined,
): Caller & { ticket: TicketRecord } {
  const ticket = idOrNonce === undefined ? undefined : store.tickets.resolve(idOrNonce)
  if (ticket === undefined) throw new NotFoundError('ticket')
  return { ...requireAccount(store, request, String(ticket.accountId)), ticket }
}
