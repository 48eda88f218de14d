import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { decodeIdFor, idPattern } from '../../ids.js'
import { CommentSchema } from '../../schemas/message.js'
import { CommentInputSchema, CommentListSchema } from '../../schemas/message-parts.js'
import { ref } from '../../schemas/ref.js'
import { IdempotencyHeaders } from '../../schemas/idempotency.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import { MessageIdParams } from './query.js'

type Params = Static<typeof MessageIdParams>
const PROBLEMS = problemResponses(...UPSTREAM_PROBLEMS, 404, 405, 422)
const WRITE_PROBLEMS = { ...WRITE_RESPONSES, ...problemResponses(...UPSTREAM_PROBLEMS, 404, 405) }
const CommentParams = Type.Object(
  {
    id: MessageIdParams.properties.id,
    commentId: Type.String({ pattern: idPattern('comment'), description: 'A comment id (`cmt_…`).' }),
  },
  { additionalProperties: false },
)
type CommentParamsType = Static<typeof CommentParams>
const CommentBody = ref(CommentInputSchema)

/** Comment ids carry the communication and the comment. */
const COMMENT_PARTS = 2

export default async function commentRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: Params }>(
    '/v1/messages/:id/comments',
    {
      schema: {
        operationId: 'listMessageComments',
        summary: 'List the comments on a message',
        description: 'All comments on a BatchBook communication, in one page. Snappy notes have no comments (405).',
        tags: ['Messages'],
        params: MessageIdParams,
        response: { 200: ref(CommentListSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const comments = await app.records.messages.listComments(request.resolveMessage(request.params.id))
      return { data: comments, nextCursor: null }
    },
  )

  app.post<{ Params: Params; Body: { body: string } }>(
    '/v1/messages/:id/comments',
    {
      schema: {
        operationId: 'addMessageComment',
        summary: 'Comment on a message',
        description: 'Adds a comment to a BatchBook communication. Answers 201 with the comment and its `Location`.',
        tags: ['Messages'],
        headers: IdempotencyHeaders,
        params: MessageIdParams,
        body: CommentBody,
        response: { 201: ref(CommentSchema), ...WRITE_PROBLEMS, ...problemResponses(409) },
      },
      config: { idempotent: true },
    },
    async (request, reply) => {
      const comment = await app.records.messages.addComment(
        request.resolveMessage(request.params.id),
        request.body.body,
      )
      return reply
        .code(201)
        .header('location', `/v1/messages/${request.params.id}/comments/${comment.id}`)
        .send(comment)
    },
  )

  app.patch<{ Params: CommentParamsType; Body: { body: string } }>(
    '/v1/messages/:id/comments/:commentId',
    {
      schema: {
        operationId: 'updateMessageComment',
        summary: 'Edit a comment',
        description: 'Replaces the text of a comment; answers with the comment.',
        tags: ['Messages'],
        params: CommentParams,
        body: CommentBody,
        response: { 200: ref(CommentSchema), ...WRITE_PROBLEMS },
      },
    },
    async (request) => {
      const target = request.resolveMessage(request.params.id)
      const comment = decodeIdFor('comment', request.params.commentId, target.adapter.connection, COMMENT_PARTS)
      return app.records.messages.updateComment(target, comment, request.body.body)
    },
  )

  app.delete<{ Params: CommentParamsType }>(
    '/v1/messages/:id/comments/:commentId',
    {
      schema: {
        operationId: 'deleteMessageComment',
        summary: 'Delete a comment',
        description: 'Deletes the comment; answers 204.',
        tags: ['Messages'],
        params: CommentParams,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...WRITE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const target = request.resolveMessage(request.params.id)
      const { commentId } = request.params
      const comment = decodeIdFor('comment', commentId, target.adapter.connection, COMMENT_PARTS)
      await app.records.messages.removeComment(target, comment, commentId)
      return reply.code(204).send()
    },
  )
}
