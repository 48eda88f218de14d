import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeId } from '../../../src/ids.js'
import type { WallComment, WallPost } from '../../../src/schemas/wall.js'
import type { RunningGateway } from '../../helpers/gateway.js'
import {
  CRM_KEY,
  PRAEKELT,
  WCL,
  batchbookId,
  call,
  secretsIn,
  snappyId,
  startSnappyGateway,
} from '../../upstreams/snappy/e2e.js'

let gw: RunningGateway
const store = () => gw.sandbox!.snappy.simulator.store
const stats = () => gw.sandbox!.snappy.simulator.stats
type List<T> = { data: T[]; nextCursor: string | null }

beforeAll(async () => {
  gw = await startSnappyGateway()
})
afterAll(async () => gw.close())

const seeded = () =>
  store()
    .wall.posts.filter((p) => p.accountId === 3249)
    .sort((a, b) => b.id - a.id)
    .map((p) => String(p.id))

describe('reading the wall', () => {
  it('reads posts newest first with comments and likes, without staff tokens', async () => {
    const res = await call<List<WallPost>>(gw, 'GET', `/v1/accounts/${WCL}/wall`)
    expect(res.status).toBe(200)
    expect(res.body.data.map((p) => p.remoteId)).toEqual(seeded().slice(0, 25))
    expect(res.body.nextCursor).not.toBeNull()
    const withComments = res.body.data.find((p) => p.comments.length > 0)!
    expect(withComments.comments[0]).toMatchObject({
      postId: withComments.id,
      author: { staffId: expect.stringMatching(/^stf_/) },
    })
    expect(decodeId('wallComment', withComments.comments[0]!.id, 3).parts.slice(0, 2)).toEqual([
      '3249',
      withComments.remoteId,
    ])
    expect(res.body.data.some((p) => p.likes.length > 0)).toBe(true)
    expect(secretsIn(res.body)).toEqual([])
  })

  it('pages with the cursor and with `after`, over the whole wall', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { body: List<WallPost> } = await call<List<WallPost>>(
        gw,
        'GET',
        `/v1/accounts/${WCL}/wall?limit=7${cursor === null ? '' : `&cursor=${cursor}`}`,
      )
      seen.push(...page.body.data.map((p) => p.remoteId))
      cursor = page.body.nextCursor
    } while (cursor !== null)
    expect(seen).toEqual(seeded())
    const third = seeded()[2]!
    const after = await call<List<WallPost>>(
      gw,
      'GET',
      `/v1/accounts/${WCL}/wall?after=${snappyId('wallPost', '3249', third)}&limit=3`,
    )
    expect(after.body.data.map((p) => p.remoteId)).toEqual(seeded().slice(3, 6))
  })

  it('refuses an `after` post of another account before any upstream call', async () => {
    const before = stats().requests
    expect(await call(gw, 'GET', `/v1/accounts/${WCL}/wall?after=${snappyId('wallPost', '3088', '1')}`)).toMatchObject({
      status: 400,
    })
    expect(await call(gw, 'GET', `/v1/accounts/${WCL}/wall?cursor=e30`)).toMatchObject({
      status: 400,
      body: { code: 'invalid_cursor' },
    })
    expect(await call(gw, 'GET', `/v1/accounts/${batchbookId('account', 'x')}/wall`)).toMatchObject({ status: 405 })
    expect(await call(gw, 'GET', `/v1/accounts/${WCL}/wall`, { key: CRM_KEY })).toMatchObject({ status: 403 })
    expect(stats().requests).toBe(before)
  })
})

describe('writing on the wall', () => {
  let post: WallPost

  it('posts, referring to a conversation and a message', async () => {
    const ticket = store().tickets.ticketsOf(3249)[0]!
    const note = store().tickets.notesOf(ticket.id)[0]!
    const res = await call<WallPost>(gw, 'POST', `/v1/accounts/${WCL}/wall`, {
      json: {
        content: 'Who can take this one?',
        conversationId: snappyId('conversation', String(ticket.id)),
        messageId: snappyId('message', String(ticket.id), String(note.id)),
        tags: ['help'],
      },
    })
    expect(res.status).toBe(201)
    post = res.body
    expect(res.headers.location).toBe(`/v1/wall-posts/${post.id}`)
    expect(post).toMatchObject({
      content: 'Who can take this one?',
      type: 'post',
      tags: ['help'],
      accountId: WCL,
      author: { staffId: snappyId('staff', '58'), name: 'Mike Jones' },
      conversationId: snappyId('conversation', String(ticket.id)),
      messageId: snappyId('message', String(ticket.id), String(note.id)),
      comments: [],
      likes: [],
    })
    expect((await call<WallPost>(gw, 'GET', `/v1/wall-posts/${post.id}`)).body).toEqual(post)
    expect((await call<List<WallPost>>(gw, 'GET', `/v1/accounts/${WCL}/wall?limit=1`)).body.data[0]!.id).toBe(post.id)
  })

  it('comments, deletes the comment, likes and unlikes', async () => {
    const comment = await call<WallComment>(gw, 'POST', `/v1/wall-posts/${post.id}/comments`, {
      json: { content: 'I can.' },
    })
    expect(comment.status).toBe(201)
    expect(comment.body).toMatchObject({ postId: post.id, content: 'I can.', author: { name: 'Mike Jones' } })
    expect(comment.headers.location).toBe(`/v1/wall-posts/${post.id}/comments/${comment.body.id}`)
    expect((await call<WallPost>(gw, 'GET', `/v1/wall-posts/${post.id}`)).body.comments.map((c) => c.id)).toEqual([
      comment.body.id,
    ])

    expect((await call(gw, 'DELETE', `/v1/wall-posts/${post.id}/comments/${comment.body.id}`)).status).toBe(204)
    expect((await call<WallPost>(gw, 'GET', `/v1/wall-posts/${post.id}`)).body.comments).toEqual([])

    expect((await call(gw, 'PUT', `/v1/wall-posts/${post.id}/like`)).status).toBe(204)
    expect((await call(gw, 'PUT', `/v1/wall-posts/${post.id}/like`)).status).toBe(204)
    expect((await call<WallPost>(gw, 'GET', `/v1/wall-posts/${post.id}`)).body.likes).toEqual([
      { staffId: snappyId('staff', '58'), createdAt: expect.any(String) },
    ])
    expect((await call(gw, 'DELETE', `/v1/wall-posts/${post.id}/like`)).status).toBe(204)
    expect((await call<WallPost>(gw, 'GET', `/v1/wall-posts/${post.id}`)).body.likes).toEqual([])
  })

  it('refuses a comment of another post, bad bodies and foreign references', async () => {
    const before = stats().requests
    const otherComment = snappyId('wallComment', '3249', '1', '2')
    expect(await call(gw, 'DELETE', `/v1/wall-posts/${post.id}/comments/${otherComment}`)).toMatchObject({
      status: 404,
    })
    expect(await call(gw, 'POST', `/v1/wall-posts/${post.id}/comments`, { json: { content: '   ' } })).toMatchObject({
      status: 400,
    })
    expect(
      await call(gw, 'POST', `/v1/accounts/${WCL}/wall`, {
        json: { content: 'x', conversationId: batchbookId('conversation', '1') },
      }),
    ).toMatchObject({ status: 405 })
    expect(
      await call(gw, 'POST', `/v1/accounts/${WCL}/wall`, {
        json: { content: 'x', conversationId: snappyId('conversation', '1'), messageId: snappyId('message', '2', '3') },
      }),
    ).toMatchObject({ status: 400 })
    expect(await call(gw, 'PUT', `/v1/wall-posts/${post.id}/like`, { key: CRM_KEY })).toMatchObject({ status: 403 })
    expect(await call(gw, 'PUT', `/v1/wall-posts/${batchbookId('wallPost', '1', '2')}/like`)).toMatchObject({
      status: 405,
    })
    expect(stats().requests).toBe(before)
  })

  it('deletes the post', async () => {
    expect((await call(gw, 'DELETE', `/v1/wall-posts/${post.id}`)).status).toBe(204)
    expect(await call(gw, 'GET', `/v1/wall-posts/${post.id}`)).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    })
    expect(await call(gw, 'DELETE', `/v1/wall-posts/${post.id}`)).toMatchObject({ status: 404 })
    expect((await call<List<WallPost>>(gw, 'GET', `/v1/accounts/${PRAEKELT}/wall`)).status).toBe(200)
  })
})
