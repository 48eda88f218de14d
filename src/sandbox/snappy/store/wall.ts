/** The team wall: posts, their comments and likes. */
import { type Unix, WALL_PAGE_SIZE } from '../../../upstreams/snappy/wire.js'
import type { WallCommentRecord, WallLikeRecord, WallPostRecord } from './records.js'
import { Table } from './table.js'

export type PostInput = Partial<Omit<WallPostRecord, 'id'>> &
  Pick<WallPostRecord, 'accountId' | 'staffId' | 'content'> & { id?: number }
export type CommentInput = Partial<Omit<WallCommentRecord, 'id'>> &
  Pick<WallCommentRecord, 'postId' | 'staffId' | 'content'> & { id?: number }

export class WallStore {
  readonly posts = new Table<WallPostRecord>(9100)
  readonly comments = new Table<WallCommentRecord>(15200)
  readonly likes = new Table<WallLikeRecord>(22400)
  readonly #now: () => Unix

  constructor(now: () => Unix) {
    this.#now = now
  }

  createPost(input: PostInput): WallPostRecord {
    const at = input.createdAt ?? this.#now()
    return this.posts.insert({
      type: 'post',
      ticketId: null,
      noteId: null,
      updatedAt: at,
      ...input,
      tags: [...(input.tags ?? [])],
      id: this.posts.takeId(input.id),
      createdAt: at,
    })
  }

  /** The 25 newest posts, or with `after` the 25 newest among those older than that id. */
  page(accountId: number, after?: number): WallPostRecord[] {
    return this.posts
      .filter((p) => p.accountId === accountId && (after === undefined || p.id < after))
      .sort((a, b) => b.id - a.id)
      .slice(0, WALL_PAGE_SIZE)
  }

  deletePost(id: number): boolean {
    if (!this.posts.delete(id)) return false
    for (const c of this.commentsOf(id)) this.comments.delete(c.id)
    for (const l of this.likesOf(id)) this.likes.delete(l.id)
    return true
  }

  addComment(input: CommentInput): WallCommentRecord {
    if (this.posts.get(input.postId) === undefined) throw new Error(`no wall post ${input.postId}`)
    const at = input.createdAt ?? this.#now()
    return this.comments.insert({ updatedAt: at, ...input, id: this.comments.takeId(input.id), createdAt: at })
  }

  /** Oldest first, the order a conversation is read in. */
  commentsOf(postId: number): WallCommentRecord[] {
    return this.comments.filter((c) => c.postId === postId).sort((a, b) => a.id - b.id)
  }

  /** Liking twice keeps one like. */
  like(postId: number, staffId: number, at: Unix = this.#now()): WallLikeRecord {
    if (this.posts.get(postId) === undefined) throw new Error(`no wall post ${postId}`)
    const existing = this.likes.find((l) => l.postId === postId && l.staffId === staffId)
    if (existing !== undefined) return existing
    return this.likes.insert({ id: this.likes.takeId(), postId, staffId, createdAt: at, updatedAt: at })
  }

  unlike(postId: number, staffId: number): boolean {
    const existing = this.likes.find((l) => l.postId === postId && l.staffId === staffId)
    return existing !== undefined && this.likes.delete(existing.id)
  }

  likesOf(postId: number): WallLikeRecord[] {
    return this.likes.filter((l) => l.postId === postId)
  }
}
