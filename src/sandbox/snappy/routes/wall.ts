/**
 * The team wall. Reading gives the 25 newest posts, or with `?after=ID` the 25 newest older
 * than that post. Posting answers `text/html` with the new post's id as the bare body.
 * Unspecified answers: a comment answers the comment; a like or unlike answers the post
 * with its likes; deletions answer the deleted record as it was.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { SNAPPY_PATHS } from '../../../upstreams/snappy/wire.js'
import { bodyOf, Fields } from '../body.js'
import { HTML } from '../errors.js'
import type { SnappyStore } from '../store/index.js'
import type { WallPostRecord } from '../store/records.js'
import { wallCommentJson, wallPostJson } from '../serialize/wall.js'
import { parseId, requireAccount, requireRecord, type Caller, type RouteContext } from './context.js'

type PostParams = { Params: { id: string; post: string } }

export function wallRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get<{ Params: { id: string }; Querystring: { after?: string } }>(SNAPPY_PATHS.wall.pattern, async (request) => {
    const { account } = requireAccount(store, request, request.params.id)
    // A missing or unreadable `after` reads as "from the newest".
    const after = parseId(request.query.after)
    return store.wall.page(account.id, after).map((p) => wallPostJson(store, p))
  })

  app.post<{ Params: { id: string } }>(SNAPPY_PATHS.wall.pattern, async (request, reply) => {
    const caller = requireAccount(store, request, request.params.id)
    const fields = new Fields(bodyOf(request))
    const content = fields.string('content', { required: true, nonEmpty: true })
    const type = fields.string('type', { nonEmpty: true }) ?? 'post'
    const tags = fields.stringList('tags') ?? []
    const { ticketId, noteId } = readReferences(store, caller, fields)
    fields.check()
    const post = store.wall.createPost({
      accountId: caller.account.id,
      staffId: caller.staff.id,
      content: content as string,
      type,
      ticketId,
      noteId,
      tags,
    })
    return reply.type(HTML).send(String(post.id))
  })

  app.delete<PostParams>(SNAPPY_PATHS.wallPost.pattern, async (request) => {
    const { post } = requirePost(store, request, request.params)
    const answer = wallPostJson(store, post)
    store.wall.deletePost(post.id)
    return answer
  })

  // The docs name the field `content`; an older doc and the PHP SDK send `comment`.
  app.post<PostParams>(SNAPPY_PATHS.wallComments.pattern, async (request) => {
    const { post, caller } = requirePost(store, request, request.params)
    const body = bodyOf(request)
    const field = body.content === undefined && body.comment !== undefined ? 'comment' : 'content'
    const fields = new Fields(body)
    const content = fields.string(field, { required: true, nonEmpty: true })
    fields.check()
    const comment = store.wall.addComment({ postId: post.id, staffId: caller.staff.id, content: content as string })
    return wallCommentJson(store, comment)
  })

  app.delete<{ Params: { id: string; post: string; comment: string } }>(
    SNAPPY_PATHS.wallComment.pattern,
    async (request) => {
      const { post } = requirePost(store, request, request.params)
      const comment = requireRecord(store.wall.comments, request.params.comment, (c) => c.postId === post.id, 'comment')
      const answer = wallCommentJson(store, comment)
      store.wall.comments.delete(comment.id)
      return answer
    },
  )

  app.post<PostParams>(SNAPPY_PATHS.wallLike.pattern, async (request) => {
    const { post, caller } = requirePost(store, request, request.params)
    store.wall.like(post.id, caller.staff.id)
    return wallPostJson(store, post)
  })

  app.delete<PostParams>(SNAPPY_PATHS.wallLike.pattern, async (request) => {
    const { post, caller } = requirePost(store, request, request.params)
    store.wall.unlike(post.id, caller.staff.id)
    return wallPostJson(store, post)
  })
}

function requirePost(
  store: SnappyStore,
  request: FastifyRequest,
  params: { id: string; post: string },
): { caller: Caller; post: WallPostRecord } {
  const caller = requireAccount(store, request, params.id)
  const post = requireRecord(store.wall.posts, params.post, (p) => p.accountId === caller.account.id, 'wall post')
  return { caller, post }
}

/** `ticket` (id or nonce) and `note` (id) are optional links to records of the same account. */
function readReferences(
  store: SnappyStore,
  caller: Caller,
  fields: Fields,
): { ticketId: number | null; noteId: number | null } {
  let ticketId: number | null = null
  let noteId: number | null = null
  const ticketRef = fields.string('ticket', { nonEmpty: true })
  if (ticketRef !== undefined) {
    const ticket = store.tickets.resolve(ticketRef.trim())
    if (ticket === undefined || ticket.accountId !== caller.account.id) fields.invalid('ticket')
    else ticketId = ticket.id
  }
  const noteRef = fields.integer('note')
  if (noteRef !== undefined) {
    const note = store.tickets.notes.get(noteRef)
    if (note === undefined || note.accountId !== caller.account.id || (ticketId !== null && note.ticketId !== ticketId))
      fields.invalid('note')
    else noteId = note.id
  }
  return { ticketId, noteId }
}
