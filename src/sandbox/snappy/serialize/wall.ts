/**
 * Wall objects are not shown in the docs or any recording. These shapes follow the request
 * fields (`content`, `type`, `ticket`, `note`, `tags`) as Laravel columns, with the author
 * embedded as a staff object (token fields included, like every staff object) and the
 * comments and likes of the post.
 */
import type { SnappyStore } from '../store/index.js'
import type { WallCommentRecord, WallLikeRecord, WallPostRecord } from '../store/records.js'
import { sqlTime } from '../../../upstreams/snappy/wire.js'
import { staffJson } from './directory.js'

export function wallPostJson(store: SnappyStore, post: WallPostRecord) {
  return {
    id: post.id,
    account_id: post.accountId,
    staff_id: post.staffId,
    type: post.type,
    content: post.content,
    ticket_id: post.ticketId,
    note_id: post.noteId,
    tags: [...post.tags],
    created_at: sqlTime(post.createdAt),
    updated_at: sqlTime(post.updatedAt),
    staff: author(store, post.staffId),
    comments: store.wall.commentsOf(post.id).map((c) => wallCommentJson(store, c)),
    likes: store.wall.likesOf(post.id).map(wallLikeJson),
  }
}

export function wallCommentJson(store: SnappyStore, comment: WallCommentRecord) {
  return {
    id: comment.id,
    post_id: comment.postId,
    staff_id: comment.staffId,
    content: comment.content,
    created_at: sqlTime(comment.createdAt),
    updated_at: sqlTime(comment.updatedAt),
    staff: author(store, comment.staffId),
  }
}

function wallLikeJson(like: WallLikeRecord) {
  return {
    id: like.id,
    post_id: like.postId,
    staff_id: like.staffId,
    created_at: sqlTime(like.createdAt),
    updated_at: sqlTime(like.updatedAt),
  }
}

function author(store: SnappyStore, staffId: number) {
  const staff = store.directory.staff.get(staffId)
  return staff === undefined ? null : staffJson(staff)
}
