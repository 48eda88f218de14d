/** `GET /v1/conversations`: a ticket queue of an account or mailbox, or an account search. */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { ProblemError } from '../../errors.js'
import { ConversationListSchema } from '../../schemas/conversation.js'
import { ref } from '../../schemas/ref.js'
import { UPSTREAM_PROBLEMS, problemResponses } from '../../schemas/responses.js'
import { DEFAULT_PAGE_SIZE, IdOf, pageQuery } from '../../schemas/snappy-common.js'
import { type Resolved, resolveId } from '../../upstreams/snappy/access.js'
import { searchConversations } from '../../upstreams/snappy/conversation-search.js'
import { slicePage } from '../../upstreams/snappy/paging.js'
import { QUEUES } from '../../upstreams/snappy/tickets.js'

const Query = Type.Object(
  {
    queue: Type.Optional(
      Type.Union(
        QUEUES.map((q) => Type.Literal(q)),
        { description: '`waiting` (default): awaiting an answer; `inbox`: waiting and assigned to nobody; `yours`: waiting and assigned to the connection’s staff member.' },
      ),
    ),
    account: Type.Optional(IdOf('account', 'The account whose queue to read, or to search in.')),
    mailbox: Type.Optional(IdOf('mailbox', 'Only this mailbox’s queue.')),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Full-text search in `account` instead of a queue.' })),
    include: Type.Optional(Type.Literal('remote', { description: '`remote` adds the sanitized upstream record as `remote`.' })),
    ...pageQuery,
  },
  { additionalProperties: false },
)
type QueryType = Static<typeof Query>

function invalid(path: string, message: string, detail: string): ProblemError {
  return new ProblemError('validation_failed', detail, { errors: [{ path: `querystring/${path}`, message }] })
}

export default async function conversationListRoute(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: QueryType }>(
    '/v1/conversations',
    {
      schema: {
        operationId: 'listConversations',
        summary: 'List or search conversations',
        description:
          'With `account` or `mailbox`: that queue (`queue`, default `waiting`), longest waiting first. ' +
          'With `q` and `account`: a full-text search of the account’s conversations, newest first.',
        tags: ['Conversations'],
        querystring: Query,
        response: { 200: ref(ConversationListSchema), ...problemResponses(...UPSTREAM_PROBLEMS, 404, 405) },
      },
    },
    async (request) => {
      const { queue, q, cursor } = request.query
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE
      const options = { includeRemote: request.query.include === 'remote' }
      const account = request.query.account === undefined ? undefined : resolveId(app, request, 'account', request.query.account, 1)
      const mailbox = request.query.mailbox === undefined ? undefined : resolveId(app, request, 'mailbox', request.query.mailbox, 2)
      if (q !== undefined) {
        if (account === undefined) throw invalid('account', 'required with q', 'Searching needs the `account` to search in')
        if (queue !== undefined || mailbox !== undefined) throw invalid('q', 'not with queue or mailbox', 'A search covers the whole account; leave out `queue` and `mailbox`')
        return searchConversations(account.adapter.tickets, account.parts[0] as string, q, limit, cursor, options)
      }
      const scope = queueScope(account, mailbox)
      const list = await scope.adapter.tickets.queue(scope.where, queue ?? 'waiting', options)
      return slicePage(list, 'conversation-queue', cursor, limit)
    },
  )
}

function queueScope(account: Resolved | undefined, mailbox: Resolved | undefined) {
  if (mailbox !== undefined) {
    const [owner, id] = mailbox.parts as [string, string]
    if (account !== undefined && (account.adapter !== mailbox.adapter || account.parts[0] !== owner)) {
      throw invalid('mailbox', 'not in account', 'The mailbox is not in that account')
    }
    return { adapter: mailbox.adapter, where: { account: owner, mailbox: id } }
  }
  if (account !== undefined) return { adapter: account.adapter, where: { account: account.parts[0] as string } }
  throw invalid('account', 'account or mailbox required', 'Name the `account` or `mailbox` whose queue to read, or search with `q` and `account`')
}
