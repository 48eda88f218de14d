/** Accounts and what hangs directly off them: search, mailboxes, staff, contacts. */
import type { FastifyInstance } from 'fastify'
import { SNAPPY_PATHS } from '../../../upstreams/snappy/wire.js'
import { searchTickets, parsePage } from '../domain/search.js'
import { NotFoundError } from '../errors.js'
import { accountJson, contactJson, mailboxJson, staffMemberJson } from '../serialize/directory.js'
import { ticketJson } from '../serialize/tickets.js'
import { callerStaff, parseId, requireAccount, type RouteContext } from './context.js'

type AccountParams = { Params: { id: string } }

export function accountRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get(SNAPPY_PATHS.accounts.pattern, async (request) => {
    const staff = callerStaff(store, request)
    if (staff === undefined) return []
    return store.directory.accountsOf(staff.id).map(({ account, membership }) => accountJson(account, membership))
  })

  app.get<AccountParams & { Querystring: { query?: string; page?: string } }>(
    SNAPPY_PATHS.search.pattern,
    async (request) => {
      const { account } = requireAccount(store, request, request.params.id)
      const query = typeof request.query.query === 'string' ? request.query.query : ''
      const result = searchTickets(store, account.id, query, parsePage(request.query.page))
      return { meta: { total: result.total, page: result.page }, data: result.items.map((t) => ticketJson(store, t)) }
    },
  )

  app.get<AccountParams>(SNAPPY_PATHS.mailboxes.pattern, async (request) => {
    const { account } = requireAccount(store, request, request.params.id)
    return store.directory.mailboxesOf(account.id).map(mailboxJson)
  })

  app.get<AccountParams>(SNAPPY_PATHS.staff.pattern, async (request) => {
    const { account } = requireAccount(store, request, request.params.id)
    return store.directory.membersOf(account.id).map(({ staff, membership }) => staffMemberJson(staff, membership))
  })

  // The docs answer a one-element array, and that is what clients index into.
  app.get<{ Params: { id: string; contact: string } }>(SNAPPY_PATHS.contact.pattern, async (request) => {
    const { account } = requireAccount(store, request, request.params.id)
    const key = request.params.contact
    const id = parseId(key)
    const contact =
      id !== undefined ? store.directory.contacts.get(id) : store.directory.findContactByAddress(account.id, key)
    if (contact === undefined || contact.accountId !== account.id) throw new NotFoundError('contact')
    return [contactJson(contact)]
  })
}
