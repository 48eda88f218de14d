/** Snappy accounts and what hangs off them: mailboxes, staff, contacts. */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { ProblemError, invalidField } from '../../errors.js'
import { AccountListSchema, MailboxListSchema, StaffListSchema, type Account } from '../../schemas/account.js'
import { ContactSchema } from '../../schemas/contact.js'
import type { Warning } from '../../schemas/message.js'
import { ref } from '../../schemas/ref.js'
import { UPSTREAM_PROBLEMS, problemResponses } from '../../schemas/responses.js'
import { IdOf, connectionQuery, pageQuery } from '../../schemas/snappy-common.js'
import { slicePage } from '../../cursor.js'
import { send } from '../../plugins/records.js'

const ListQuery = Type.Object(
  { connection: Type.Optional(connectionQuery), ...pageQuery },
  { additionalProperties: false },
)
const AccountParams = Type.Object(
  { accountId: IdOf('account', 'An account id (`acct_…`).') },
  { additionalProperties: false },
)
const AccountPageQuery = Type.Object(pageQuery, { additionalProperties: false })
const ContactParams = Type.Object(
  {
    accountId: IdOf('account', 'An account id (`acct_…`).'),
    idOrEmail: Type.String({
      minLength: 1,
      maxLength: 320,
      description: 'The contact’s Snappy id or its e-mail address.',
      examples: ['john.smith@gmail.com'],
    }),
  },
  { additionalProperties: false },
)

type PageQuery = Static<typeof AccountPageQuery>
type Params = Static<typeof AccountParams>
const PROBLEMS = problemResponses(...UPSTREAM_PROBLEMS, 404, 405)

export default async function accountRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/v1/accounts',
    {
      schema: {
        operationId: 'listAccounts',
        summary: 'List Snappy accounts',
        description:
          'The accounts of every Snappy connection the key may use (or of `connection`). ' +
          'When one connection fails while another answers, the page is served with `warnings`.',
        tags: ['Accounts'],
        querystring: ListQuery,
        response: { 200: ref(AccountListSchema), ...problemResponses(...UPSTREAM_PROBLEMS) },
      },
    },
    async (request, reply) => {
      const adapters = request.usableSnappy(request.query.connection)
      const results = await Promise.allSettled(
        adapters.map((a) =>
          app.records.directory.list(a.connection.name, 'account', null, () => a.directory.accounts()),
        ),
      )
      const accounts: Account[] = []
      const warnings: Warning[] = []
      // The answer is as old as its oldest part.
      let dataAge = 0
      results.forEach((result, i) => {
        const connection = adapters[i]?.connection.name ?? ''
        if (result.status === 'fulfilled') {
          accounts.push(...result.value.value)
          dataAge = Math.max(dataAge, result.value.dataAge)
        } else warnings.push(warningOf(connection, result.reason))
      })
      void reply.header('x-data-age', String(dataAge))
      const firstFailure = results.find((r) => r.status === 'rejected')
      if (adapters.length > 0 && warnings.length === adapters.length && firstFailure !== undefined)
        throw firstFailure.reason
      const page = slicePage(accounts, 'accounts', request.query.cursor, request.query.limit)
      return warnings.length === 0 ? page : { ...page, warnings }
    },
  )

  app.get<{ Params: Params; Querystring: PageQuery }>(
    '/v1/accounts/:accountId/mailboxes',
    {
      schema: {
        operationId: 'listMailboxes',
        summary: 'List an account’s mailboxes',
        description: 'Mailboxes receive conversations; a mailbox id is the `mailboxId` of a new Snappy message.',
        tags: ['Accounts'],
        params: AccountParams,
        querystring: AccountPageQuery,
        response: { 200: ref(MailboxListSchema), ...PROBLEMS },
      },
    },
    async (request, reply) => {
      const { adapter, parts } = request.resolveSnappyId('account', request.params.accountId, 1)
      const account = parts[0] as string
      return slicePage(
        send(
          reply,
          await app.records.directory.list(adapter.connection.name, 'mailbox', account, () =>
            adapter.directory.mailboxes(account),
          ),
        ),
        'mailboxes',
        request.query.cursor,
        request.query.limit,
      )
    },
  )

  app.get<{ Params: Params; Querystring: PageQuery }>(
    '/v1/accounts/:accountId/staff',
    {
      schema: {
        operationId: 'listStaff',
        summary: 'List an account’s staff',
        description:
          'Staff members with their role in the account. Device tokens, session tokens and phone numbers are never passed on.',
        tags: ['Accounts'],
        params: AccountParams,
        querystring: AccountPageQuery,
        response: { 200: ref(StaffListSchema), ...PROBLEMS },
      },
    },
    async (request, reply) => {
      const { adapter, parts } = request.resolveSnappyId('account', request.params.accountId, 1)
      const account = parts[0] as string
      return slicePage(
        send(
          reply,
          await app.records.directory.list(adapter.connection.name, 'staff', account, () =>
            adapter.directory.staff(account),
          ),
        ),
        'staff',
        request.query.cursor,
        request.query.limit,
      )
    },
  )

  app.get<{ Params: Static<typeof ContactParams> }>(
    '/v1/accounts/:accountId/contacts/:idOrEmail',
    {
      schema: {
        operationId: 'findAccountContact',
        summary: 'Find a contact by id or e-mail address',
        description:
          'Looks a customer up in the account by their Snappy contact id, their e-mail address, or a contact id (`ctc_…`) of this account.',
        tags: ['Contacts'],
        params: ContactParams,
        response: { 200: ref(ContactSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const { adapter, parts } = request.resolveSnappyId('account', request.params.accountId, 1)
      const account = parts[0] as string
      let key = request.params.idOrEmail
      if (key.startsWith('ctc_')) {
        const contact = request.resolveSnappyId('contact', key, 2)
        if (contact.adapter !== adapter || contact.parts[0] !== account) {
          throw invalidField(
            'params/idOrEmail',
            'not a contact of this account',
            'The contact id belongs to another account',
          )
        }
        key = contact.parts[1] as string
      }
      return adapter.directory.contact(account, key)
    },
  )
}

function warningOf(connection: string, reason: unknown): Warning {
  const problem = reason instanceof ProblemError ? reason : null
  return {
    source: 'snappy',
    connection,
    code: problem?.code ?? 'internal_error',
    detail: problem?.message ?? 'The connection failed',
  }
}
