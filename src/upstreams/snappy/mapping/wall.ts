/**
 * Wall posts, comments and likes. Their shapes are in no doc or recording; they are read
 * tolerantly (missing collections are empty) and the embedded staff objects, which carry
 * the same token fields as every staff object, are reduced to an id and a name.
 */
import { encodeId } from '../../../ids.js'
import type { WallAuthor, WallComment, WallLike, WallPost } from '../../../schemas/wall.js'
import {
  type JsonObject,
  asObject,
  fullName,
  idOf,
  isObject,
  optionalArray,
  optionalId,
  optionalString,
  requiredTime,
  stringList,
} from '../codec.js'
import { accountId, snappyId, staffId, timeOr } from './directory.js'
import { conversationId, messageId } from './tickets.js'

function wallPostId(connection: string, account: string, post: string): string {
  return encodeId('wallPost', snappyId(connection, [account, post]))
}

function wallCommentId(connection: string, account: string, post: string, comment: string): string {
  return encodeId('wallComment', snappyId(connection, [account, post, comment]))
}

export function toWallPost(value: unknown, connection: string, account: string): WallPost {
  const p = asObject(value, 'wall post')
  const remoteId = idOf(p.id, 'wall post id')
  const owner = idOf(p.account_id ?? account, 'wall post account_id')
  const ticket = optionalId(p.ticket_id, 'wall post ticket_id')
  const note = optionalId(p.note_id, 'wall post note_id')
  const createdAt = requiredTime(p.created_at, 'wall post created_at')
  return {
    id: wallPostId(connection, owner, remoteId),
    source: 'snappy',
    connection,
    remoteId,
    accountId: accountId(connection, owner),
    type: optionalString(p.type, 'wall post type') ?? 'post',
    content: optionalString(p.content, 'wall post content') ?? '',
    author: author(p, connection),
    conversationId: ticket === null ? null : conversationId(connection, ticket),
    // A note is only addressable together with its ticket.
    messageId: ticket === null || note === null ? null : messageId(connection, ticket, note),
    tags: stringList(p.tags, 'wall post tags'),
    comments: optionalArray(p.comments, 'wall post comments').map((c) => toWallComment(c, connection, owner, remoteId)),
    likes: optionalArray(p.likes, 'wall post likes').map((l) => toWallLike(l, connection)),
    createdAt,
    updatedAt: timeOr(p.updated_at, 'wall post updated_at', createdAt),
  }
}

export function toWallComment(value: unknown, connection: string, account: string, post: string): WallComment {
  const c = asObject(value, 'wall comment')
  const remoteId = idOf(c.id, 'wall comment id')
  const postId = idOf(c.post_id ?? post, 'wall comment post_id')
  const createdAt = requiredTime(c.created_at, 'wall comment created_at')
  return {
    id: wallCommentId(connection, account, postId, remoteId),
    postId: wallPostId(connection, account, postId),
    remoteId,
    content: optionalString(c.content ?? c.comment, 'wall comment content') ?? '',
    author: author(c, connection),
    createdAt,
    updatedAt: timeOr(c.updated_at, 'wall comment updated_at', createdAt),
  }
}

function toWallLike(value: unknown, connection: string): WallLike {
  const l = asObject(value, 'wall like')
  return {
    staffId: staffId(connection, idOf(l.staff_id, 'wall like staff_id')),
    createdAt: requiredTime(l.created_at, 'wall like created_at'),
  }
}

function author(record: JsonObject, connection: string): WallAuthor | null {
  const staff = isObject(record.staff) ? record.staff : null
  const id = optionalId(record.staff_id ?? staff?.id, 'staff_id')
  if (id === null) return null
  return { staffId: staffId(connection, id), name: staff === null ? null : fullName(staff.first_name, staff.last_name) }
}
