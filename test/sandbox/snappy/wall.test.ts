import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSnappy, type Running } from './helpers.js'

interface Post {
  id: number
  account_id: number
  staff_id: number
  type: string
  content: string
  ticket_id: number | null
  tags: string[]
  staff: Record<string, unknown>
  comments: { id: number; content: string; staff_id: number }[]
  likes: { staff_id: number }[]
}

let s: Running
beforeEach(async () => {
  s = await startSnappy()
})
afterEach(async () => {
  await s.sim.close()
})

const wall = async (query = '') => (await s.api('GET', `/account/3249/wall${query}`)).json<Post[]>()
const newestPostId = () => Math.max(...s.sim.store.wall.posts.filter((p) => p.accountId === 3249).map((p) => p.id))

describe('GET /account/{id}/wall', () => {
  it('answers the latest 25 posts, newest first, with author, comments and likes', async () => {
    const posts = await wall()
    expect(posts).toHaveLength(25)
    expect(posts[0]?.id).toBe(newestPostId())
    expect(posts.map((p) => p.id)).toEqual([...posts.map((p) => p.id)].sort((a, b) => b - a))
    expect(posts.some((p) => p.comments.length > 0 && p.likes.length > 0)).toBe(true)
    expect(posts[0]?.staff).toHaveProperty('remember_token')
  })

  it('pages with ?after=ID to the posts older than that id', async () => {
    const first = await wall()
    const last = first.at(-1) as Post
    const older = await wall(`?after=${last.id}`)
    const all = s.sim.store.wall.posts.filter((p) => p.accountId === 3249)
    expect(older.map((p) => p.id)).toEqual(
      all
        .filter((p) => p.id < last.id)
        .map((p) => p.id)
        .sort((a, b) => b - a)
        .slice(0, 25),
    )
    expect(older.every((p) => p.id < last.id)).toBe(true)
  })
})

describe('POST /account/{id}/wall', () => {
  it('answers the new post id as a bare text/html body', async () => {
    const res = await s.api('POST', '/account/3249/wall', {
      json: { content: 'Post Content', type: 'post', ticket: null, note: null, tags: ['foo', 'bar'] },
    })
    expect(res.status).toBe(200)
    expect(res.type).toBe('text/html; charset=UTF-8')
    expect(res.text).toMatch(/^\d+$/)
    const [newest] = await wall()
    expect(newest).toMatchObject({
      id: Number(res.text),
      content: 'Post Content',
      type: 'post',
      tags: ['foo', 'bar'],
      staff_id: 58,
      ticket_id: null,
    })
  })

  it('links a post to a ticket given by nonce', async () => {
    const ticket = s.sim.store.tickets.ticketsOf(3249)[0]
    const res = await s.api('POST', '/account/3249/wall', {
      form: `content=See+this&type=ticket&ticket=${ticket?.nonce}`,
    })
    const [newest] = await wall()
    expect(newest).toMatchObject({ id: Number(res.text), type: 'ticket', ticket_id: ticket?.id })
  })

  it('answers 422 without content', async () => {
    const res = await s.api('POST', '/account/3249/wall', { json: { type: 'post' } })
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({ content: ['The content field is required.'] })
  })
})

describe('DELETE /account/{id}/wall/{post_id}', () => {
  it('deletes the post', async () => {
    const id = newestPostId()
    const res = await s.api('DELETE', `/account/3249/wall/${id}`)
    expect(res.json<Post>().id).toBe(id)
    expect((await wall()).map((p) => p.id)).not.toContain(id)
  })

  it('answers 404 for a post of another account', async () => {
    const other = s.sim.store.wall.posts.find((p) => p.accountId === 3088)
    expect((await s.api('DELETE', `/account/3249/wall/${other?.id}`)).status).toBe(404)
  })
})

describe('wall comments', () => {
  it('adds a comment from the `content` field and answers it', async () => {
    const id = newestPostId()
    const res = await s.api('POST', `/account/3249/wall/${id}/comment`, { json: { content: 'Nice work' } })
    expect(res.json()).toMatchObject({ post_id: id, staff_id: 58, content: 'Nice work' })
    expect((await wall())[0]?.comments.at(-1)?.content).toBe('Nice work')
  })

  it('also accepts the older `comment` field in a form body', async () => {
    const id = newestPostId()
    const res = await s.api('POST', `/account/3249/wall/${id}/comment`, { form: 'comment=Older+field+%26+form' })
    expect(res.json()).toMatchObject({ content: 'Older field & form' })
  })

  it('answers 422 for an empty comment', async () => {
    const res = await s.api('POST', `/account/3249/wall/${newestPostId()}/comment`, { json: { content: '  ' } })
    expect(res.status).toBe(422)
  })

  it('deletes a comment', async () => {
    const id = newestPostId()
    const comment = (await s.api('POST', `/account/3249/wall/${id}/comment`, { json: { content: 'Oops' } })).json<{
      id: number
    }>()
    expect((await s.api('DELETE', `/account/3249/wall/${id}/comment/${comment.id}`)).status).toBe(200)
    expect((await wall())[0]?.comments.map((c) => c.id)).not.toContain(comment.id)
    expect((await s.api('DELETE', `/account/3249/wall/${id}/comment/${comment.id}`)).status).toBe(404)
  })
})

describe('wall likes', () => {
  it('likes a post once however often it is liked, and unlikes it', async () => {
    const id = (await s.api('POST', '/account/3249/wall', { json: { content: 'Like me' } })).text
    await s.api('POST', `/account/3249/wall/${id}/like`)
    const liked = (await s.api('POST', `/account/3249/wall/${id}/like`)).json<Post>()
    expect(liked.likes.map((l) => l.staff_id)).toEqual([58])
    const unliked = (await s.api('DELETE', `/account/3249/wall/${id}/like`)).json<Post>()
    expect(unliked.likes).toEqual([])
  })
})
