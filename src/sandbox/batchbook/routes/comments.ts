/**
 * Comments ("mega_comments"). They are created only under their communication, and can be
 * read, changed and deleted both directly (`/service/comments/{id}.xml`) and nested under the
 * communication they belong to.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { BATCHBOOK_PATHS } from '../../../upstreams/batchbook/wire.js'
import { resourceFields } from '../body.js'
import { commentDocument, commentsDocument } from '../documents.js'
import { unprocessable } from '../errors.js'
import { bodyOf, idParam, queryValue, type RouteContext, sendCreated, sendNotFound, sendOk, sendXml } from '../http.js'
import type { MegaComment } from '../model.js'
import type { BatchBookStore } from '../store.js'

/** Pages of `GET /service/comments.xml`. */
const COMMENTS_PAGE_SIZE = 10

interface CommentParams {
  cid: string
  /** Only on the nested routes. */
  id?: string
}

/** The comment addressed; on a nested route it must belong to that communication. */
function findComment(store: BatchBookStore, params: CommentParams): MegaComment | undefined {
  const comment = store.getComment(idParam(params.cid))
  if (comment === undefined) return undefined
  if (params.id !== undefined && comment.recordId !== idParam(params.id)) return undefined
  return comment
}

/** The text of a `<comment><comment>…</comment></comment>` body (or `comment[comment]=…`). */
function commentText(request: FastifyRequest): string {
  const text = resourceFields(bodyOf(request), 'comment', ['comment'] as const).comment
  if (text === undefined || text.trim() === '') throw unprocessable("Comment can't be blank")
  return text
}

function page(request: FastifyRequest): number {
  const text = queryValue(request, 'page')?.trim()
  if (text === undefined || text === '') return 1
  if (/^\d+$/.test(text) && Number(text) >= 1) return Number(text)
  throw unprocessable('Page must be a positive integer')
}

export function commentRoutes(app: FastifyInstance, { store, userFor }: RouteContext): void {
  app.post<{ Params: { id: string } }>(BATCHBOOK_PATHS.comments.pattern, async (request, reply) => {
    const recordId = idParam(request.params.id)
    if (store.getCommunication(recordId) === undefined) return sendNotFound(reply)
    const comment = store.createComment({
      recordId,
      comment: commentText(request),
      user: userFor(request.simCredential ?? ''),
    })
    if (comment === undefined) return sendNotFound(reply)
    return sendCreated(request, reply, BATCHBOOK_PATHS.comment.path({ cid: comment.id }))
  })

  // Oldest first, as an unordered Rails query over the primary key comes back.
  app.get(BATCHBOOK_PATHS.allComments.pattern, async (request, reply) => {
    const start = (page(request) - 1) * COMMENTS_PAGE_SIZE
    return sendXml(reply, commentsDocument(store.listComments({ offset: start, limit: COMMENTS_PAGE_SIZE })))
  })

  const show = async (request: FastifyRequest<{ Params: CommentParams }>, reply: FastifyReply) => {
    const comment = findComment(store, request.params)
    if (comment === undefined) return sendNotFound(reply)
    return sendXml(reply, commentDocument(comment))
  }
  const update = async (request: FastifyRequest<{ Params: CommentParams }>, reply: FastifyReply) => {
    const comment = findComment(store, request.params)
    if (comment === undefined) return sendNotFound(reply)
    store.updateComment(comment.id, commentText(request))
    return sendOk(reply)
  }
  const destroy = async (request: FastifyRequest<{ Params: CommentParams }>, reply: FastifyReply) => {
    const comment = findComment(store, request.params)
    if (comment === undefined) return sendNotFound(reply)
    store.deleteComment(comment.id)
    return sendOk(reply)
  }
  for (const path of [BATCHBOOK_PATHS.comment.pattern, BATCHBOOK_PATHS.communicationComment.pattern]) {
    app.get<{ Params: CommentParams }>(path, show)
    app.put<{ Params: CommentParams }>(path, update)
    app.delete<{ Params: CommentParams }>(path, destroy)
  }
}
