/** The waiting, inbox and yours queues, per mailbox and per account (see domain/queues.ts). */
import type { FastifyInstance } from 'fastify'
import { QUEUES, SNAPPY_PATHS } from '../../../upstreams/snappy/wire.js'
import { inQueue, queueOrder } from '../domain/queues.js'
import type { TicketRecord } from '../store/records.js'
import { ticketJson } from '../serialize/tickets.js'
import { requireAccount, requireMailbox, type RouteContext } from './context.js'

export function queueRoutes(app: FastifyInstance, { store }: RouteContext): void {
  const list = (tickets: TicketRecord[]) => tickets.sort(queueOrder).map((t) => ticketJson(store, t))

  for (const queue of QUEUES) {
    app.get<{ Params: { id: string } }>(SNAPPY_PATHS.queue('mailbox', queue).pattern, async (request) => {
      const { mailbox, membership } = requireMailbox(store, request, request.params.id)
      return list(
        store.tickets.tickets.filter(
          (t) => t.mailboxId === mailbox.id && inQueue(store.directory, t, queue, membership.username),
        ),
      )
    })

    app.get<{ Params: { id: string } }>(SNAPPY_PATHS.queue('account', queue).pattern, async (request) => {
      const { account, membership } = requireAccount(store, request, request.params.id)
      return list(
        store.tickets.ticketsOf(account.id).filter((t) => inQueue(store.directory, t, queue, membership.username)),
      )
    })
  }
}
