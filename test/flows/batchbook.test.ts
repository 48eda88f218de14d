/**
 * Every BatchBook write flow at the documented limit (one request a second), as a client runs
 * them one after another: each answers 2xx, each upstream write happens exactly once, the
 * calls made are the fewest that return the true record, and the upstream sees no violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Comment, Message, Participant } from '../../src/schemas/message.js'
import { type RunningGateway, startGateway, testConfig } from '../helpers/gateway.js'
import { type Mark, callsSince, described, mark, violations, writes } from '../helpers/upstream-calls.js'
import { batchbookId, call } from '../upstreams/snappy/e2e.js'

let gw: RunningGateway
let created: Message
let comment: Comment
let before: Mark

const sandbox = () => gw.sandbox!
const id = () => created.remoteId
const since = () => callsSince(sandbox(), before)

beforeAll(async () => {
  // These flows follow every call of a write to its answer: a create of five calls takes 4.4 s,
  // past the default bound after which an accepted write is answered 202 (write-deadline.test.ts).
  const config = testConfig()
  config.upstream.maxQueueWaitMs = 10_000
  gw = await startGateway({ withSandbox: true, config, virtual: true })
})
afterAll(async () => gw.close())

describe('BatchBook flows at one request a second', { timeout: 30_000 }, () => {
  it('creates a communication with two participants and two tags: five calls, one POST', async () => {
    before = mark(sandbox())
    const res = await call<Message>(gw, 'POST', '/v1/messages', {
      json: {
        source: 'batchbook',
        kind: 'phone',
        subject: 'Renewal call',
        body: 'Talked through the plan.',
        participants: [
          { contactId: batchbookId('contact', '4'), role: 'from' },
          { contactId: batchbookId('contact', '1'), role: 'to' },
        ],
        tags: ['renewal', 'q3'],
      },
    })
    expect(res.status).toBe(201)
    created = res.body
    expect(created.warnings).toBeUndefined()
    expect(created.tags).toEqual(['renewal', 'q3'])
    expect(created.participants.map((p) => p.role)).toEqual(['from', 'to'])
    expect(described(since().batchbook)).toEqual([
      'POST /service/communications.xml',
      `PUT /service/communications/${id()}/add_participant.xml`,
      `PUT /service/communications/${id()}/add_participant.xml`,
      `PUT /service/communications/${id()}/add_tag.xml`,
      `GET /service/communications/${id()}.xml`,
    ])
  })

  it('updates it: the write, then the record read back (participants are read once, then cached)', async () => {
    before = mark(sandbox())
    const res = await call<Message>(gw, 'PATCH', `/v1/messages/${created.id}`, {
      json: { subject: 'Renewal call (done)' },
    })
    expect(res.status).toBe(200)
    expect(res.body.subject).toBe('Renewal call (done)')
    expect(res.body.participants.map((p) => p.name)).toEqual(['Matt Gillooly', "Pamela O'Hara"])
    expect(writes(since().batchbook)).toEqual([`PUT /service/communications/${id()}.xml`])
    expect(since().batchbook).toHaveLength(3)

    before = mark(sandbox())
    const again = await call<Message>(gw, 'PATCH', `/v1/messages/${created.id}`, {
      json: { body: 'Talked it all through.' },
    })
    expect(again.status).toBe(200)
    expect(described(since().batchbook)).toEqual([
      `PUT /service/communications/${id()}.xml`,
      `GET /service/communications/${id()}.xml`,
    ])
  })

  it('adds, edits and deletes a comment, each write once', async () => {
    before = mark(sandbox())
    const added = await call<Comment>(gw, 'POST', `/v1/messages/${created.id}/comments`, {
      json: { body: 'Call back Friday.' },
    })
    expect(added.status).toBe(201)
    comment = added.body
    expect(comment.body).toBe('Call back Friday.')
    const edited = await call<Comment>(gw, 'PATCH', `/v1/messages/${created.id}/comments/${comment.id}`, {
      json: { body: 'Call back Monday.' },
    })
    expect(edited.status).toBe(200)
    expect(edited.body.body).toBe('Call back Monday.')
    const removed = await call(gw, 'DELETE', `/v1/messages/${created.id}/comments/${comment.id}`)
    expect(removed.status).toBe(204)
    const calls = since().batchbook
    expect(writes(calls)).toEqual([
      `POST /service/communications/${id()}/comments.xml`,
      expect.stringMatching(/^PUT \/service\/comments\/\d+\.xml$/),
      expect.stringMatching(/^DELETE \/service\/comments\/\d+\.xml$/),
    ])
    expect(calls).toHaveLength(5)
  })

  it('adds and removes a tag, each write once', async () => {
    before = mark(sandbox())
    const added = await call<{ data: string[] }>(gw, 'PUT', `/v1/messages/${created.id}/tags/urgent`)
    expect(added.status).toBe(200)
    expect(added.body.data).toContain('urgent')
    const removed = await call(gw, 'DELETE', `/v1/messages/${created.id}/tags/urgent`)
    expect(removed.status).toBe(204)
    expect(writes(since().batchbook)).toEqual([
      `PUT /service/communications/${id()}/add_tag.xml`,
      `DELETE /service/communications/${id()}/remove_tag.xml`,
    ])
    expect(since().batchbook).toHaveLength(3)
  })

  it('adds and removes a participant, each write once', async () => {
    before = mark(sandbox())
    const added = await call<{ data: Participant[] }>(gw, 'POST', `/v1/messages/${created.id}/participants`, {
      json: { contactId: batchbookId('contact', '5'), role: 'cc' },
    })
    expect(added.status).toBe(200)
    expect(added.body.data.map((p) => p.name)).toContain('Zoë Ångström')
    const removed = await call(
      gw,
      'DELETE',
      `/v1/messages/${created.id}/participants/${batchbookId('contact', '5')}?role=cc`,
    )
    expect(removed.status).toBe(204)
    expect(writes(since().batchbook)).toEqual([
      `PUT /service/communications/${id()}/add_participant.xml`,
      `DELETE /service/communications/${id()}/remove_participant.xml`,
    ])
    expect(since().batchbook).toHaveLength(3)
  })

  it('reads a record never seen before: the record and its participants', async () => {
    before = mark(sandbox())
    const res = await call<Message>(gw, 'GET', `/v1/messages/${batchbookId('message', '69490')}`)
    expect(res.status).toBe(200)
    expect(described(since().batchbook).sort()).toEqual([
      'GET /service/communications/69490.xml',
      'GET /service/communications/69490/participants.xml',
    ])
  })

  it('deletes the communication with one call', async () => {
    before = mark(sandbox())
    const res = await call(gw, 'DELETE', `/v1/messages/${created.id}`)
    expect(res.status).toBe(204)
    expect(described(since().batchbook)).toEqual([`DELETE /service/communications/${id()}.xml`])
    expect((await call(gw, 'GET', `/v1/messages/${created.id}`)).status).toBe(404)
  })

  it('never exceeded the limit', () => {
    expect(violations(sandbox())).toBe(0)
  })
})
