/**
 * One ticket, addressed by numeric id or nonce: details, notes, tags, status, deletion and
 * attachment downloads. Writes answer the ticket as it now stands (the docs say nothing);
 * a deletion answers the ticket as it was.
 */
import type { FastifyInstance } from 'fastify'
import { bodyOf, Fields } from '../body.js'
import { NotFoundError } from '../errors.js'
import { TICKET_STATUSES, type TicketStatus } from '../store/records.js'
import { noteJson, ticketJson } from '../serialize/tickets.js'
import { parseId, requireTicket, type RouteContext } from './context.js'
import { sendStoredFile } from './download.js'

type TicketParams = { Params: { id: string } }

export function ticketRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get<TicketParams>('/ticket/:id', async (request) => {
    const { ticket } = requireTicket(store, request, request.params.id)
    return ticketJson(store, ticket)
  })

  app.get<TicketParams>('/ticket/:id/notes', async (request) => {
    const { ticket } = requireTicket(store, request, request.params.id)
    return store.tickets.notesOf(ticket.id).map((n) => noteJson(store, n))
  })

  // `tags` replaces the ticket's tags: a JSON list, or (PHP SDK) a form field holding one.
  app.post<TicketParams>('/ticket/:id/tags', async (request) => {
    const { ticket } = requireTicket(store, request, request.params.id)
    const fields = new Fields(bodyOf(request))
    const tags = fields.stringList('tags', { required: true })
    fields.check()
    ticket.tags = tags as string[]
    ticket.updatedAt = store.now()
    return ticketJson(store, ticket)
  })

  app.put<TicketParams>('/ticket/:id/status', async (request) => {
    const { ticket } = requireTicket(store, request, request.params.id)
    const fields = new Fields(bodyOf(request))
    const status = fields.oneOf<TicketStatus>('status', TICKET_STATUSES)
    fields.check()
    ticket.status = status as TicketStatus
    ticket.updatedAt = store.now()
    return ticketJson(store, ticket)
  })

  app.delete<TicketParams>('/ticket/:id', async (request) => {
    const { ticket } = requireTicket(store, request, request.params.id)
    const answer = ticketJson(store, ticket)
    await store.tickets.deleteTicket(ticket.id)
    return answer
  })

  app.get<{ Params: { id: string; attachment: string } }>('/ticket/:id/attachment/:attachment/download', async (request, reply) => {
    const { ticket } = requireTicket(store, request, request.params.id)
    const id = parseId(request.params.attachment)
    const attachment = id === undefined ? undefined : store.tickets.attachments.get(id)
    if (attachment === undefined || attachment.ticketId !== ticket.id) throw new NotFoundError('attachment')
    return sendStoredFile(reply, store.files, attachment)
  })
}
