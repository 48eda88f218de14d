/** Reactions to a wall post: comments and likes. */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { notFound } from '../../errors.js'
import { ref } from '../../schemas/ref.js'
import { IdempotencyHeaders } from '../../schemas/idempotency.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import { IdOf } from '../../schemas/snappy-common.js'
import { WallCommentInputSchema, WallCommentSchema, type WallCommentInput } from '../../schemas/wall.js'
import { Done, PostParams, postOf } from './resolve.js'

const CommentParams = Type.Object(
  {
    postId: IdOf('wallPost', 'A wall post id (`wpost_…`).'),
    commentId: IdOf('wallComment', 'A wall comment id (`wcmt_…`).'),
  },
  { additionalProperties: false },
)
const PROBLEMS = problemResponses(...UPSTREAM_PROBLEMS, 404, 405)
type PostP = Static<typeof PostParams>

export default async function wallReactionRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Params: PostP; Body: WallCommentInput }>(
    '/v1/wall-posts/:postId/comments',
    {
      schema: {
        operationId: 'createWallComment',
        summary: 'Comment on a wall post',
        description: 'Answers 201 with the comment.',
        tags: ['Wall'],
        headers: IdempotencyHeaders,
        params: PostParams,
        body: ref(WallCommentInputSchema),
        response: { 201: ref(WallCommentSchema), ...PROBLEMS, ...WRITE_RESPONSES, ...problemResponses(409) },
      },
      config: { idempotent: true },
    },
    async (request, reply) => {
      const p = postOf(app, request, request.params.postId)
      const comment = await p.adapter.wall.comment(p.account, p.post, request.body.content)
      return reply.code(201).header('location', `/v1/wall-posts/${comment.postId}/comments/${comment.id}`).send(comment)
    },
  )

  app.delete<{ Params: Static<typeof CommentParams> }>(
    '/v1/wall-posts/:postId/comments/:commentId',
    {
      schema: {
        operationId: 'deleteWallComment',
        summary: 'Delete a wall comment',
        description: 'Deletes one comment of the post.',
        tags: ['Wall'],
        params: CommentParams,
        response: { ...Done, ...PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request, reply) => {
      const p = postOf(app, request, request.params.postId)
      const comment = request.resolveSnappyId('wallComment', request.params.commentId, 3)
      const [account, postId, commentId] = comment.parts as [string, string, string]
      if (comment.adapter !== p.adapter || account !== p.account || postId !== p.post)
        throw notFound('That comment is not on this post')
      await p.adapter.wall.removeComment(p.account, p.post, commentId)
      return reply.code(204).send()
    },
  )

  app.put<{ Params: PostP }>(
    '/v1/wall-posts/:postId/like',
    {
      schema: {
        operationId: 'likeWallPost',
        summary: 'Like a wall post',
        description: 'Likes the post as the connection’s staff member; liking twice keeps one like.',
        tags: ['Wall'],
        params: PostParams,
        response: { ...Done, ...PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request, reply) => {
      const p = postOf(app, request, request.params.postId)
      await p.adapter.wall.like(p.account, p.post)
      return reply.code(204).send()
    },
  )

  app.delete<{ Params: PostP }>(
    '/v1/wall-posts/:postId/like',
    {
      schema: {
        operationId: 'unlikeWallPost',
        summary: 'Unlike a wall post',
        description: 'Takes the connection’s like back.',
        tags: ['Wall'],
        params: PostParams,
        response: { ...Done, ...PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request, reply) => {
      const p = postOf(app, request, request.params.postId)
      await p.adapter.wall.unlike(p.account, p.post)
      return reply.code(204).send()
    },
  )
}
