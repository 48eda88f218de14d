/**
 * One ticket, addressed by numeric id or nonce: details, notes, tags, status, deletion and
 * attachment downloads. Writes answer the ticket as it now stands (the docs say nothing);
 * a deletion answers the ticket as it was.
 */
import type { FastifyInstance } from 'fastify'
import { SNAPPY_PATHS } from '../../../upstreams/snappy/wire.js'
import { bodyOf, Fields } from '../body.js'
import { TICKET_STATUSES, type TicketStatus } from '../store/records.js'
import { noteJson, ticketJson } from '../serialize/tickets.js'
import { requireRecord, requireTicket, type RouteContext } from './context.js'
import { sendStoredFile } from './download.js'

type TicketParams = { Params: { id: string } }

export function ticketRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get<TicketParams>(SNAPPY_PATHS.ticket.pattern, async (request) => {
    const { ticket } = requireTicket(store, request, request.params.id)
    return ticketJson(store, ticket)
  })

  app.get<TicketParams>(SNAPPY_PATHS.ticketNotes.pattern, async (request) => {
    const { ticket } = requireTicket(store, request, request.params.id)
    return store.tickets.notesOf(ticket.id).map((n) => noteJson(store, n))
  })

  // `tags` replaces the ticket's tags: a JSON list, or (PHP SDK) a form field holding one.
  app.post<TicketParams>(SNAPPY_PATHS.ticketTags.pattern, async (request) => {
    const { ticket } = requireTicket(store, request, request.params.id)
    const fields = new Fields(bodyOf(request))
    const tags = fields.stringList('tags', { required: true })
    fields.check()
    store.tickets.updateTicket(ticket.id, { tags: tags as string[] })
    return ticketJson(store, ticket)
  })

  app.put<TicketParams>(SNAPPY_PATHS.ticketStatus.pattern, async (request) => {
    const { ticket } = requireTicket(store, request, request.params.id)
    const fields = new Fields(bodyOf(request))
    const status = fields.oneOf<TicketStatus>('status', TICKET_STATUSES)
    fields.check()
    store.tickets.updateTicket(ticket.id, { status: status as TicketStatus })
    return ticketJson(store, ticket)
  })

  app.delete<TicketParams>(SNAPPY_PATHS.ticket.pattern, async (request) => {
    const { ticket } = requireTicket(store, request, request.params.id)
    const answer = ticketJson(store, ticket)
    await store.tickets.deleteTicket(ticket.id)
    return answer
  })

  app.get<{ Params: { id: string; attachment: string } }>(
    SNAPPY_PATHS.attachmentDownload.pattern,
    async (request, reply) => {
      const { ticket } = requireTicket(store, request, request.params.id)
      const attachment = requireRecord(
        store.tickets.attachments,
        request.params.attachment,
        (a) => a.ticketId === ticket.id,
        'attachment',
      )
      return sendStoredFile(reply, store.files, attachment)
    },
  )
}
