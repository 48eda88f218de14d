/**
 * The team wall. Snappy reads it 25 posts at a time, newest first, `after` a post id giving
 * the 25 newest older than that post; so `after = id + 1` starts at the post itself, which
 * is how one post is read. Every wall write invalidates the account's wall.
 */
import { DEFAULT_PAGE_SIZE, NUMERIC_ID } from '../../rules.js'
import type { WallComment, WallPost } from '../../schemas/wall.js'
import { isObject } from './codec.js'
import { toWallComment, toWallPost } from './mapping/wall.js'
import { SnappyResource, answerAs, badAnswer, newest, notFound, num } from './resource.js'
import { SNAPPY_PATHS, WALL_PAGE_SIZE } from './wire.js'

export interface WallPage {
  items: WallPost[]
  /** The post id to read on from, or null when the wall has no older posts. */
  next: string | null
}

export interface NewWallPost {
  content: string
  type: string
  ticket: string | null
  note: string | null
  tags: string[]
}

export class SnappyWall extends SnappyResource {
  /** Up to `limit` posts older than post `after` (from the newest without it). */
  async list(account: string, after: string | undefined, limit = DEFAULT_PAGE_SIZE): Promise<WallPage> {
    const items: WallPost[] = []
    let from = after
    for (;;) {
      const page = await this.#page(account, from)
      items.push(...page)
      const last = page[page.length - 1]
      if (page.length < WALL_PAGE_SIZE || last === undefined) {
        return {
          items: items.slice(0, limit),
          next: items.length > limit ? (items[limit - 1]?.remoteId ?? null) : null,
        }
      }
      if (items.length >= limit) return { items: items.slice(0, limit), next: items[limit - 1]?.remoteId ?? null }
      from = last.remoteId
    }
  }

  async get(account: string, post: string): Promise<WallPost> {
    const [first] = await this.#page(account, String(BigInt(num(post)) + 1n))
    if (first === undefined || first.remoteId !== post) throw notFound(this.connection, 'wall post')
    return first
  }

  async create(account: string, input: NewWallPost): Promise<WallPost> {
    const res = await this.send(
      'POST',
      SNAPPY_PATHS.wall.path({ id: num(account) }),
      {
        content: input.content,
        type: input.type,
        ticket: wireId(input.ticket),
        note: wireId(input.note),
        tags: input.tags,
      },
      [`wall:${account}`],
    )
    // Like `POST /note`, this answers `text/html` with a bare identifier: the new post's id.
    const id = res.body
      .toString('utf8')
      .trim()
      .replace(/^"(.*)"$/, '$1')
    if (!NUMERIC_ID.test(id)) throw badAnswer(this.connection, 'the new wall post id')
    return this.get(account, id)
  }

  async remove(account: string, post: string): Promise<void> {
    await this.send('DELETE', SNAPPY_PATHS.wallPost.path({ id: num(account), post: num(post) }), undefined, [
      `wall:${account}`,
    ])
  }

  async comment(account: string, post: string, content: string): Promise<WallComment> {
    // The docs name the field `content`; an older doc and the PHP SDK send `comment`. Both
    // are sent, so either reading of the API finds its field.
    const res = await this.send(
      'POST',
      SNAPPY_PATHS.wallComments.path({ id: num(account), post: num(post) }),
      { content, comment: content },
      [`wall:${account}`],
    )
    const answered = answerAs(res, (json) =>
      isObject(json) && json.id !== undefined ? toWallComment(json, this.connection, account, post) : undefined,
    )
    if (answered !== undefined) return answered
    return newest((await this.get(account, post)).comments, this.connection, 'the new comment')
  }

  async removeComment(account: string, post: string, comment: string): Promise<void> {
    await this.send(
      'DELETE',
      SNAPPY_PATHS.wallComment.path({ id: num(account), post: num(post), comment: num(comment) }),
      undefined,
      [`wall:${account}`],
    )
  }

  async like(account: string, post: string): Promise<void> {
    await this.send('POST', SNAPPY_PATHS.wallLike.path({ id: num(account), post: num(post) }), undefined, [
      `wall:${account}`,
    ])
  }

  async unlike(account: string, post: string): Promise<void> {
    await this.send('DELETE', SNAPPY_PATHS.wallLike.path({ id: num(account), post: num(post) }), undefined, [
      `wall:${account}`,
    ])
  }

  #page(account: string, after: string | undefined): Promise<WallPost[]> {
    return this.readList(
      SNAPPY_PATHS.wall.path({ id: num(account) }),
      [`wall:${account}`],
      'wall',
      (p) => toWallPost(p, this.connection, account),
      { after: after === undefined ? undefined : num(after) },
    )
  }
}

function wireId(id: string | null): number | string | null {
  if (id === null) return null
  const n = Number(id)
  return Number.isSafeInteger(n) ? n : id
}
