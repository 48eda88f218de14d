/** Wall posts: read the wall, post, read and delete one post. */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { ref } from '../../schemas/ref.js'
import { IdempotencyHeaders } from '../../schemas/idempotency.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import { IdOf, pageQuery } from '../../schemas/snappy-common.js'
import { WallPostInputSchema, WallPostListSchema, WallPostSchema, type WallPostInput } from '../../schemas/wall.js'
import { decodePageCursor, encodePageCursor } from '../../cursor.js'
import type { NewWallPost } from '../../upstreams/snappy/wall.js'
import { Done, PostParams, invalid, postOf } from './resolve.js'

const AccountParams = Type.Object(
  { accountId: IdOf('account', 'An account id (`acct_…`).') },
  { additionalProperties: false },
)
const ListQuery = Type.Object(
  { after: Type.Optional(IdOf('wallPost', 'Only posts older than this one.')), ...pageQuery },
  { additionalProperties: false },
)
const PROBLEMS = problemResponses(...UPSTREAM_PROBLEMS, 404, 405)
const WALL_CURSOR = 'wall'
type PostP = Static<typeof PostParams>

export default async function wallPostRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: Static<typeof AccountParams>; Querystring: Static<typeof ListQuery> }>(
    '/v1/accounts/:accountId/wall',
    {
      schema: {
        operationId: 'listWallPosts',
        summary: 'Read the team wall',
        description:
          'Posts newest first, with their comments and likes. `after` (or the cursor) reads on from an older post.',
        tags: ['Wall'],
        params: AccountParams,
        querystring: ListQuery,
        response: { 200: ref(WallPostListSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const { adapter, parts } = request.resolveSnappyId('account', request.params.accountId, 1)
      const account = parts[0] as string
      let after: string | undefined
      if (request.query.cursor !== undefined)
        after = String(decodePageCursor(WALL_CURSOR, request.query.cursor, ['a'] as const).a)
      else if (request.query.after !== undefined) {
        const from = postOf(app, request, request.query.after)
        if (from.adapter !== adapter || from.account !== account)
          throw invalid('querystring/after', 'The post is not on this account’s wall')
        after = from.post
      }
      const page = await adapter.wall.list(account, after, request.query.limit)
      return {
        data: page.items,
        nextCursor: page.next === null ? null : encodePageCursor(WALL_CURSOR, { a: Number(page.next) }),
      }
    },
  )

  app.post<{ Params: Static<typeof AccountParams>; Body: WallPostInput }>(
    '/v1/accounts/:accountId/wall',
    {
      schema: {
        operationId: 'createWallPost',
        summary: 'Post to the team wall',
        description: 'Answers 201 with the post. It may refer to a conversation and a message of the same connection.',
        tags: ['Wall'],
        headers: IdempotencyHeaders,
        params: AccountParams,
        body: ref(WallPostInputSchema),
        response: { 201: ref(WallPostSchema), ...PROBLEMS, ...WRITE_RESPONSES, ...problemResponses(409) },
      },
      config: { idempotent: true },
    },
    async (request, reply) => {
      const { adapter, parts } = request.resolveSnappyId('account', request.params.accountId, 1)
      const body = request.body
      let ticket: string | null = null
      let note: string | null = null
      if (body.conversationId !== undefined) {
        const conversation = request.resolveSnappyId('conversation', body.conversationId, 1)
        if (conversation.adapter !== adapter)
          throw invalid('body/conversationId', 'The conversation belongs to another connection')
        ticket = conversation.parts[0] as string
      }
      if (body.messageId !== undefined) {
        const message = request.resolveSnappyId('message', body.messageId, 2)
        const [messageTicket, noteId] = message.parts as [string, string]
        if (message.adapter !== adapter) throw invalid('body/messageId', 'The message belongs to another connection')
        if (ticket !== null && ticket !== messageTicket)
          throw invalid('body/messageId', 'The message is not in that conversation')
        ticket = messageTicket
        note = noteId
      }
      const input: NewWallPost = {
        content: body.content,
        type: body.type ?? 'post',
        ticket,
        note,
        tags: body.tags ?? [],
      }
      const created = await adapter.wall.create(parts[0] as string, input)
      return reply.code(201).header('location', `/v1/wall-posts/${created.id}`).send(created)
    },
  )

  app.get<{ Params: PostP }>(
    '/v1/wall-posts/:postId',
    {
      schema: {
        operationId: 'getWallPost',
        summary: 'Get a wall post',
        description: 'One post with its comments and likes.',
        tags: ['Wall'],
        params: PostParams,
        response: { 200: ref(WallPostSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const p = postOf(app, request, request.params.postId)
      return p.adapter.wall.get(p.account, p.post)
    },
  )

  app.delete<{ Params: PostP }>(
    '/v1/wall-posts/:postId',
    {
      schema: {
        operationId: 'deleteWallPost',
        summary: 'Delete a wall post',
        description: 'Deletes the post with its comments and likes.',
        tags: ['Wall'],
        params: PostParams,
        response: { ...Done, ...PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request, reply) => {
      const p = postOf(app, request, request.params.postId)
      await p.adapter.wall.remove(p.account, p.post)
      return reply.code(204).send()
    },
  )
}
