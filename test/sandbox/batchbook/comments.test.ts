import { describe, expect, it } from 'vitest'
import {
  call,
  commentsOf,
  communicationOf,
  errorsOf,
  locationPath,
  num,
  OTHER_TOKEN,
  parseXml,
  startSimulator,
  xmlBody,
  type CommentXml,
} from './helpers.js'

const commentOf = (text: string) => parseXml(text).mega_comment as CommentXml
const create = (origin: string, id: number, text: string, credentials?: [string, string]) =>
  call(origin, 'POST', `/service/communications/${id}/comments.xml`, {
    ...xmlBody(`<comment><comment>${text}</comment></comment>`),
    ...(credentials ? { credentials } : {}),
  })

describe('BatchBook simulator: comments', () => {
  it('creates a comment: 201 with a Location under /service/comments that shows it', async () => {
    const { origin } = await startSimulator()
    const res = await create(origin, 69522, 'Best comment ever')
    expect(res.status).toBe(201)
    expect(res.text).toBe('')
    const path = locationPath(origin, res)
    expect(path).toMatch(/^\/service\/comments\/\d+\.xml$/)
    const shown = await call(origin, 'GET', path)
    expect(shown.status).toBe(200)
    const comment = commentOf(shown.text)
    expect(comment.comment).toBe('Best comment ever')
    expect(num(comment.record_id)).toBe(69522)
    expect(comment.created_at['@_type']).toBe('datetime')
    expect(comment.created_at['#text']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}$/)
  })

  it("writes the token's user as the author", async () => {
    const { origin } = await startSimulator()
    const first = commentOf((await call(origin, 'GET', locationPath(origin, await create(origin, 69522, 'a')))).text)
    const second = commentOf(
      (await call(origin, 'GET', locationPath(origin, await create(origin, 69522, 'b', [OTHER_TOKEN, 'x'])))).text,
    )
    expect(first.user).toBe('Eric Krause')
    expect(second.user).not.toBe(first.user)
  })

  it('shows new comments inline in the communication', async () => {
    const { origin } = await startSimulator()
    await create(origin, 69522, 'Inline me')
    const c = communicationOf((await call(origin, 'GET', '/service/communications/69522.xml')).text)
    expect(c.mega_comments['@_type']).toBe('array')
    expect(c.mega_comments.mega_comment?.map((m) => m.comment)).toEqual(['Inline me'])
  })

  it('updates a comment with PUT /service/comments/{id}.xml', async () => {
    const { origin } = await startSimulator()
    const path = locationPath(origin, await create(origin, 69522, 'before'))
    const res = await call(origin, 'PUT', path, xmlBody('<comment><comment>after</comment></comment>'))
    expect(res.status).toBe(200)
    expect(res.text).toBe('')
    expect(commentOf((await call(origin, 'GET', path)).text).comment).toBe('after')
  })

  it('deletes a comment with DELETE /service/comments/{id}.xml', async () => {
    const { origin } = await startSimulator()
    const path = locationPath(origin, await create(origin, 69522, 'bye'))
    const res = await call(origin, 'DELETE', path)
    expect(res.status).toBe(200)
    expect((await call(origin, 'GET', path)).status).toBe(404)
  })

  it('shows, updates and deletes through the nested path', async () => {
    const { origin } = await startSimulator()
    const cid = /(\d+)\.xml$/.exec(locationPath(origin, await create(origin, 69522, 'nested')))?.[1]
    const nested = `/service/communications/69522/comments/${cid}.xml`
    expect(commentOf((await call(origin, 'GET', nested)).text).comment).toBe('nested')
    expect((await call(origin, 'PUT', nested, xmlBody('<comment><comment>changed</comment></comment>'))).status).toBe(
      200,
    )
    expect(commentOf((await call(origin, 'GET', nested)).text).comment).toBe('changed')
    expect((await call(origin, 'DELETE', nested)).status).toBe(200)
    expect((await call(origin, 'GET', nested)).status).toBe(404)
  })

  it('answers 404 on a nested path under another communication', async () => {
    const { origin } = await startSimulator()
    const cid = /(\d+)\.xml$/.exec(locationPath(origin, await create(origin, 69522, 'mine')))?.[1]
    expect((await call(origin, 'GET', `/service/communications/69480/comments/${cid}.xml`)).status).toBe(404)
  })

  it('lists all comments in pages of 10, oldest first', async () => {
    const { sim, origin } = await startSimulator()
    const all = sim.store.listComments().map((c) => c.id)
    expect(all.length).toBeGreaterThan(10)
    const page1 = commentsOf((await call(origin, 'GET', '/service/comments.xml')).text).map((c) => num(c.id))
    const page2 = commentsOf((await call(origin, 'GET', '/service/comments.xml?page=2')).text).map((c) => num(c.id))
    expect(page1).toEqual(all.slice(0, 10))
    expect(page2).toEqual(all.slice(10, 20))
  })

  it('answers an empty mega_comments array past the last page', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'GET', '/service/comments.xml?page=99')
    expect(res.status).toBe(200)
    expect(res.text).toContain('<mega_comments type="array"/>')
  })

  it('answers 422 for a page that is not a positive integer', async () => {
    const { origin } = await startSimulator()
    expect((await call(origin, 'GET', '/service/comments.xml?page=0')).status).toBe(422)
  })

  it('answers 422 for a blank comment', async () => {
    const { origin } = await startSimulator()
    const res = await create(origin, 69522, '')
    expect(res.status).toBe(422)
    expect(errorsOf(res.text)[0]).toMatch(/comment/i)
  })

  it('answers 404 when commenting on a missing communication', async () => {
    const { origin } = await startSimulator()
    expect((await create(origin, 1, 'x')).status).toBe(404)
  })

  it('deletes the comments of a destroyed communication', async () => {
    const { origin } = await startSimulator()
    const path = locationPath(origin, await create(origin, 69522, 'orphan?'))
    await call(origin, 'DELETE', '/service/communications/69522.xml')
    expect((await call(origin, 'GET', path)).status).toBe(404)
  })
})
