/** `GET /v1/conversations`: a ticket queue or a search, across accounts or in one account or mailbox. */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import { type ProblemError, invalidField } from '../../errors.js'
import { ConversationListSchema } from '../../schemas/conversation.js'
import { StringEnum, ref } from '../../schemas/ref.js'
import { UPSTREAM_PROBLEMS, problemResponses } from '../../schemas/responses.js'
import { DEFAULT_PAGE_SIZE, IdOf, pageQuery } from '../../schemas/snappy-common.js'
import { type ConversationScope, MAX_CONVERSATION_CURSOR_LENGTH } from '../../records/conversation-list.js'
import { send, wantsFresh } from '../../plugins/records.js'
import { QUEUES } from '../../records/conversations.js'
import type { Resolved } from '../../plugins/connections.js'
import type { SnappyAdapter } from '../../upstreams/snappy/adapter.js'

const Query = Type.Object(
  {
    queue: Type.Optional(
      StringEnum(QUEUES, {
        description:
          '`waiting` (default): awaiting an answer; `inbox`: waiting and assigned to nobody; `yours`: waiting and assigned to the connection’s staff member.',
      }),
    ),
    account: Type.Optional(IdOf('account', 'Only this account (default: every account the key may use).')),
    mailbox: Type.Optional(IdOf('mailbox', 'Only this mailbox.')),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 500, description: 'Full-text search instead of a queue.' }),
    ),
    include: Type.Optional(
      Type.Literal('remote', { description: '`remote` adds the sanitized upstream record as `remote`.' }),
    ),
    limit: pageQuery.limit,
    cursor: Type.Optional(
      Type.String({
        maxLength: MAX_CONVERSATION_CURSOR_LENGTH,
        description: 'The `nextCursor` of the previous page (same query).',
      }),
    ),
  },
  { additionalProperties: false },
)
type QueryType = Static<typeof Query>

function invalid(path: string, message: string, detail: string): ProblemError {
  return invalidField(`querystring/${path}`, message, detail)
}

export default async function conversationListRoute(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: QueryType }>(
    '/v1/conversations',
    {
      schema: {
        operationId: 'listConversations',
        summary: 'List or search conversations',
        description:
          'The conversations of every Snappy account the key may use, on every Snappy connection, as one list behind one cursor; `account` or `mailbox` narrows it to that account or mailbox. ' +
          'Without `q`: the queue `queue` (default `waiting`), longest waiting first (oldest `lastReplyAt`). ' +
          'With `q`: a full-text search, newest first (latest `createdAt`). ' +
          'Ties go by connection, then ticket id. Walking `nextCursor` never repeats or skips a conversation while the data stays the same; a page may hold fewer than `limit` conversations before the end.',
        tags: ['Conversations'],
        querystring: Query,
        response: { 200: ref(ConversationListSchema), ...problemResponses(...UPSTREAM_PROBLEMS, 404, 405) },
      },
    },
    async (request, reply) => {
      const { queue, q, cursor } = request.query
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE
      const account =
        request.query.account === undefined ? undefined : request.resolveSnappyId('account', request.query.account, 1)
      const mailbox =
        request.query.mailbox === undefined ? undefined : request.resolveSnappyId('mailbox', request.query.mailbox, 2)
      if (q !== undefined && queue !== undefined)
        throw invalid('q', 'not with queue', 'A search is not a queue; leave out `queue` or `q`')
      const scope = mailbox?.adapter ?? account?.adapter
      const answer = await app.records.conversations.list({
        connections: (scope === undefined ? request.usableSnappy() : [scope]).map((a) => a.connection.name),
        scopes: () => scopesOf(request, account, mailbox),
        queue: queue ?? 'waiting',
        q,
        account:
          account === undefined
            ? undefined
            : { connection: account.adapter.connection.name, remoteId: account.parts[0] as string },
        mailbox: mailbox === undefined ? undefined : request.query.mailbox,
        cursor,
        limit,
        fresh: wantsFresh(request),
        includeRemote: request.query.include === 'remote',
      })
      return send(reply, answer)
    },
  )
}

/** The accounts (or the mailbox) the list spans. */
async function scopesOf(
  request: FastifyRequest,
  account: Resolved<SnappyAdapter> | undefined,
  mailbox: Resolved<SnappyAdapter> | undefined,
): Promise<ConversationScope[]> {
  if (mailbox !== undefined) {
    const [owner, id] = mailbox.parts as [string, string]
    if (account !== undefined && (account.adapter !== mailbox.adapter || account.parts[0] !== owner)) {
      throw invalid('mailbox', 'not in account', 'The mailbox is not in that account')
    }
    return [{ adapter: mailbox.adapter, account: owner, mailbox: id }]
  }
  if (account !== undefined) return [{ adapter: account.adapter, account: account.parts[0] as string }]
  const adapters = request.usableSnappy()
  const accounts = await Promise.all(adapters.map((adapter) => adapter.directory.accounts()))
  return adapters.flatMap((adapter, i) => (accounts[i] ?? []).map((a) => ({ adapter, account: a.remoteId })))
}
