/**
 * Snappy's part of the message timeline. Snappy has no global note listing, so it is built
 * from the notes of the tickets in every account's queues (waiting, inbox, yours), newest
 * first. Every read goes through the engine: cached (a queue or a ticket's notes is one
 * cached list), coalesced, and budgeted; one ticket read per ticket is saved by taking its
 * tags from the queue listing. A read refused for budget fails this part of the page, which
 * the timeline then serves from the other connections with a warning and resumes later.
 */
import { encodeId } from '../../ids.js'
import type { Message } from '../../schemas/message.js'
import type { MessageFilters, MessagePage, MessagePageQuery, MessageReadOptions } from '../adapter.js'
import { compareNewestFirst } from '../message-order.js'
import type { SnappyDirectory } from './directory.js'
import { QUEUES, type SnappyTickets } from './tickets.js'

export interface TimelineParts {
  connection: string
  directory: SnappyDirectory
  tickets: SnappyTickets
}

export async function listSnappyMessages(
  parts: TimelineParts,
  query: MessagePageQuery,
  options: MessageReadOptions,
): Promise<MessagePage> {
  const tickets = await ticketsInQueues(parts, query.filters)
  const notes = await Promise.all([...tickets].map(([ticket, tags]) => parts.tickets.notes(ticket, options, tags)))
  const matches = notes.flat().filter(matcher(parts.connection, query.filters)).sort(compareNewestFirst)
  const items = matches.slice(query.offset, query.offset + query.limit)
  return { items, exhausted: query.offset + query.limit >= matches.length }
}

/** Ticket id → its tags, over every account's queues (or the one conversation asked for). */
async function ticketsInQueues(
  parts: TimelineParts,
  filters: MessageFilters,
): Promise<Map<string, string[] | undefined>> {
  const found = new Map<string, string[] | undefined>()
  if (filters.conversationParts !== undefined) {
    found.set(filters.conversationParts[0] as string, undefined)
    return found
  }
  const accounts = await parts.directory.accounts()
  const queues = await Promise.all(
    accounts.flatMap((account) =>
      QUEUES.map((queue) => parts.tickets.queue({ account: account.remoteId }, queue, { includeRemote: false })),
    ),
  )
  for (const conversation of queues.flat()) found.set(conversation.remoteId, conversation.tags)
  return found
}

function matcher(connection: string, filters: MessageFilters): (message: Message) => boolean {
  const contact =
    filters.contactParts === undefined
      ? undefined
      : encodeId('contact', { source: 'snappy', connection, parts: filters.contactParts })
  return (m) =>
    (filters.kind === undefined || m.kind === filters.kind) &&
    (contact === undefined || m.participants.some((p) => p.contactId === contact)) &&
    (filters.createdSince === undefined || m.createdAt >= iso(filters.createdSince)) &&
    (filters.createdBefore === undefined || m.createdAt < iso(filters.createdBefore)) &&
    (filters.updatedSince === undefined || m.updatedAt >= iso(filters.updatedSince)) &&
    (filters.updatedBefore === undefined || m.updatedAt < iso(filters.updatedBefore))
}

/** Filters arrive as any RFC 3339 form; messages carry `…Z` with milliseconds, which compare as strings. */
function iso(value: string): string {
  return new Date(value).toISOString()
}
