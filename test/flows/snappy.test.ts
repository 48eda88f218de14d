/**
 * Every Snappy write flow at the documented limit (200 requests a minute): each answers 2xx,
 * each upstream write happens exactly once, the calls made are the fewest that return the
 * true record, and the upstream sees no violation. Concurrent replies into one conversation,
 * from two keys, each get the caller's own note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Message } from '../../src/schemas/message.js'
import { TEST_KEY, type RunningGateway } from '../helpers/gateway.js'
import { type Mark, callsSince, described, mark, violations, writes } from '../helpers/upstream-calls.js'
import { WCL_MAILBOX, call, snappyId, startSnappyGateway } from '../upstreams/snappy/e2e.js'

const OTHER_KEY = 'sk_other_0123456789abcdef'
type Conv = { id: string; nonce: string; status: string; tags: string[]; remoteId: string }

let gw: RunningGateway
let opened: Message
let before: Mark

const sandbox = () => gw.sandbox!
const since = () => callsSince(sandbox(), before).snappy

beforeAll(async () => {
  gw = await startSnappyGateway({
    apiKeys: [
      { name: 'tester', secret: TEST_KEY, connections: null },
      { name: 'other', secret: OTHER_KEY, connections: null },
    ],
  })
})
afterAll(async () => gw.close())

/** A reply into the opened conversation, from Ada, with `body`. */
function reply(body: string, options: { key?: string; visibility?: 'private' } = {}) {
  return call<Message>(gw, 'POST', '/v1/messages', {
    ...(options.key === undefined ? {} : { key: options.key }),
    json: {
      source: 'snappy',
      mailboxId: WCL_MAILBOX,
      conversationId: opened.conversationId,
      from: [{ address: 'ada@example.org' }],
      body,
      ...(options.visibility === undefined ? {} : { visibility: options.visibility }),
    },
  })
}

/** `count` replies sent at once, alternating between the two keys. */
function replyAtOnce(count: number, body: (i: number) => string) {
  return Promise.all(
    Array.from({ length: count }, (_, i) => reply(body(i), { key: i % 2 === 0 ? TEST_KEY : OTHER_KEY })),
  )
}

describe('Snappy flows at 200 requests a minute', () => {
  it('opens a new ticket: the post and one read of its notes', async () => {
    before = mark(sandbox())
    const res = await call<Message>(gw, 'POST', '/v1/messages', {
      json: {
        source: 'snappy',
        mailboxId: WCL_MAILBOX,
        from: [{ name: 'Ada', address: 'ada@example.org' }],
        subject: 'Crank bent',
        body: 'It arrived bent.',
        tags: ['#damage'],
      },
    })
    expect(res.status).toBe(201)
    opened = res.body
    expect(opened).toMatchObject({ visibility: 'public', body: { text: 'It arrived bent.' }, tags: ['#damage'] })
    expect(described(since())).toEqual([
      'POST /api/v1/note',
      expect.stringMatching(/^GET \/api\/v1\/ticket\/[a-z0-9]{16}\/notes$/),
    ])
  })

  it('replies into it: the ticket (for its nonce), the post and one read of its notes', async () => {
    before = mark(sandbox())
    const res = await reply('Any news?')
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      conversationId: opened.conversationId,
      body: { text: 'Any news?' },
      tags: ['#damage'],
    })
    expect(writes(since())).toEqual(['POST /api/v1/note'])
    expect(since()).toHaveLength(3)
  })

  it('adds a private note, answered with that note', async () => {
    before = mark(sandbox())
    const res = await reply('Check stock first.', { visibility: 'private' })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ kind: 'note', visibility: 'private', body: { text: 'Check stock first.' } })
    expect(writes(since())).toEqual(['POST /api/v1/note'])
  })

  it('sets the status and the tags, each write once', async () => {
    before = mark(sandbox())
    const status = await call<Conv>(gw, 'PUT', `/v1/conversations/${opened.conversationId!}/status`, {
      json: { status: 'closed' },
    })
    expect(status.status).toBe(200)
    expect(status.body.status).toBe('closed')
    const tags = await call<Conv>(gw, 'PUT', `/v1/conversations/${opened.conversationId!}/tags`, {
      json: { tags: ['#damage', '#refund'] },
    })
    expect(tags.status).toBe(200)
    expect(tags.body.tags).toEqual(expect.arrayContaining(['#damage', '#refund']))
    expect(writes(since())).toEqual([
      expect.stringMatching(/^PUT \/api\/v1\/ticket\/\d+\/status$/),
      expect.stringMatching(/^POST \/api\/v1\/ticket\/\d+\/tags$/),
    ])
  })

  it('answers ten concurrent replies from two keys each with the caller’s own note', async () => {
    before = mark(sandbox())
    const replies = await replyAtOnce(10, (i) => `Reply number ${i}`)
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(201))
    expect(replies.map((r) => r.body.body.text)).toEqual(Array.from({ length: 10 }, (_, i) => `Reply number ${i}`))
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(10)
    expect(writes(since())).toHaveLength(10)
  })

  it('answers identical concurrent replies with distinct notes', async () => {
    const replies = await replyAtOnce(4, () => 'Same words')
    expect(replies.map((r) => r.status)).toEqual(Array(4).fill(201))
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(4)
  })

  it('reads records never seen before: the ticket, then its notes, one call each', async () => {
    const seeded = sandbox().snappy.simulator.store.tickets.tickets.all()[0]!
    const conversationId = snappyId('conversation', String(seeded.id))
    before = mark(sandbox())
    expect((await call<Conv>(gw, 'GET', `/v1/conversations/${conversationId}`)).status).toBe(200)
    expect((await call<{ data: Message[] }>(gw, 'GET', `/v1/conversations/${conversationId}/messages`)).status).toBe(
      200,
    )
    expect(described(since())).toEqual([`GET /api/v1/ticket/${seeded.id}`, `GET /api/v1/ticket/${seeded.id}/notes`])
  })

  it('deletes the conversation with one write', async () => {
    before = mark(sandbox())
    const res = await call(gw, 'DELETE', `/v1/conversations/${opened.conversationId!}`)
    expect(res.status).toBe(204)
    expect(writes(since())).toEqual([expect.stringMatching(/^DELETE \/api\/v1\/ticket\/\d+$/)])
    expect((await call(gw, 'GET', `/v1/conversations/${opened.conversationId!}`)).status).toBe(404)
  })

  it('never exceeded the limit', () => {
    expect(violations(sandbox())).toBe(0)
  })
})
