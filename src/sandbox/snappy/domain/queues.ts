/**
 * The three ticket queues. Snappy assigns a ticket to a staff member by tagging it
 * `@username` (the docs' example ticket carries the tag `@ian`), so assignment is read from
 * the tags against the usernames of the account's members:
 *
 * - waiting: status `waiting` (the customer spoke last and awaits an answer);
 * - inbox:   waiting and assigned to nobody ("new and unassigned");
 * - yours:   waiting and assigned to the caller.
 *
 * Each queue lists the longest-waiting ticket first (oldest `last_reply_at`), the order a
 * queue is worked in.
 */
import type { QueueName } from '../../../upstreams/snappy/wire.js'
import type { Directory } from '../store/directory.js'
import type { TicketRecord } from '../store/records.js'

function assignees(directory: Directory, ticket: TicketRecord): Set<string> {
  const members = new Set(directory.membersOf(ticket.accountId).map((m) => `@${m.membership.username.toLowerCase()}`))
  return new Set(ticket.tags.map((t) => t.toLowerCase()).filter((t) => members.has(t)))
}

export function inQueue(directory: Directory, ticket: TicketRecord, queue: QueueName, callerUsername: string): boolean {
  if (ticket.status !== 'waiting') return false
  if (queue === 'waiting') return true
  const assigned = assignees(directory, ticket)
  if (queue === 'inbox') return assigned.size === 0
  return assigned.has(`@${callerUsername.toLowerCase()}`)
}

export function queueOrder(a: TicketRecord, b: TicketRecord): number {
  return a.lastReplyAt - b.lastReplyAt || a.id - b.id
}
