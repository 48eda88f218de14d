/**
 * Once the upstream accepted a write, the client hears 2xx with what is known: a later step
 * that fails becomes a warning on the answer (and a `warn` log line), never an error status
 * that would invite a blind retry of a write that is already done.
 */
import { Writable } from 'node:stream'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Message, WriteAccepted } from '../../src/schemas/message.js'
import { type RunningGateway, startGateway, testConfig } from '../helpers/gateway.js'
import { callsSince, mark, violations, writes } from '../helpers/upstream-calls.js'
import { batchbookId, call } from '../upstreams/snappy/e2e.js'

let gw: RunningGateway
const lines: string[] = []
const sim = () => gw.sandbox!.batchbook.simulator

beforeAll(async () => {
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l !== ''),
      )
      done()
    },
  })
  // Injected faults must not open the circuit for the tests that follow. The writes here are
  // followed to their answer, past the default bound after which an accepted write still
  // waiting for budget is answered 202 (write-deadline.test.ts).
  const config = testConfig({ logLevel: 'info', breaker: { failureThreshold: 100, cooldownMs: 1_000 } })
  config.upstream.maxQueueWaitMs = 10_000
  gw = await startGateway({ withSandbox: true, config, logStream })
})
afterAll(async () => gw.close())
beforeEach(async () => {
  sim().faults.clear()
  lines.length = 0
  // Calls a test left queued (a read that went on after its sibling failed) must not eat the
  // next test's budget: wait until none is queued and the last one's interval has passed.
  const scheduler = gw.app.upstreams.get('batchbook')!.engine.scheduler
  while (scheduler.queued > 0) await new Promise((resolve) => setTimeout(resolve, 100))
  await new Promise((resolve) => setTimeout(resolve, 1_200))
})

/** The request's completion line. */
function completion(): Record<string, unknown> {
  const parsed = lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.requestId !== undefined && l.statusCode !== undefined)
  return parsed.at(-1) ?? {}
}

describe('a write the upstream accepted', { timeout: 30_000 }, () => {
  it('answers 201 with the message and a warning when adding a tag fails afterwards', async () => {
    sim().faults.inject({ type: 'status', status: 500, method: 'PUT', pathPrefix: '/service/communications/' })
    const from = mark(gw.sandbox!)
    const res = await call<Message>(gw, 'POST', '/v1/messages', {
      json: { source: 'batchbook', kind: 'note', subject: 'Tagged', body: 'With a tag.', tags: ['lost'] },
    })
    expect(res.status).toBe(201)
    expect(res.headers.location).toBe(`/v1/messages/${res.body.id}`)
    expect(res.body.tags).toEqual([])
    expect(res.body.warnings).toEqual([
      expect.objectContaining({
        source: 'batchbook',
        connection: 'batchbook',
        step: 'tags',
        code: 'upstream_unavailable',
      }),
    ])
    expect(writes(callsSince(gw.sandbox!, from).batchbook).filter((w) => w.startsWith('POST'))).toHaveLength(1)
  })

  it('logs it at warn with the steps that did not complete', async () => {
    sim().faults.inject({ type: 'status', status: 500, method: 'PUT', pathPrefix: '/service/communications/' })
    await call<Message>(gw, 'POST', '/v1/messages', {
      json: { source: 'batchbook', kind: 'note', body: 'With a tag.', tags: ['lost'] },
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const line = completion()
    expect(line.level).toBe(40)
    expect(line.warnings).toEqual([expect.objectContaining({ step: 'tags' })])
  })

  it('answers 201 with the message as written when the read-back fails', async () => {
    sim().faults.inject({
      type: 'status',
      status: 500,
      method: 'GET',
      pathPrefix: '/service/communications/',
      times: 3,
    })
    const res = await call<Message>(gw, 'POST', '/v1/messages', {
      json: {
        source: 'batchbook',
        kind: 'phone',
        subject: 'Unread',
        body: 'Not read back.',
        participants: [{ contactId: batchbookId('contact', '4'), role: 'from' }],
      },
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      kind: 'phone',
      subject: 'Unread',
      body: { text: 'Not read back.', html: null },
      author: { role: 'from', contactId: batchbookId('contact', '4') },
    })
    expect(res.body.warnings).toEqual([expect.objectContaining({ step: 'read-back' })])
    expect(sim().store.getCommunication(Number(res.body.remoteId))).toMatchObject({ subject: 'Unread' })
  })

  it('answers 202 WriteAccepted when an update cannot be read back', async () => {
    const created = await call<Message>(gw, 'POST', '/v1/messages', {
      json: { source: 'batchbook', kind: 'note', subject: 'Before', body: 'x' },
    })
    sim().faults.inject({
      type: 'status',
      status: 500,
      method: 'GET',
      pathPrefix: `/service/communications/${created.body.remoteId}`,
      times: 6,
    })
    const res = await call<WriteAccepted>(gw, 'PATCH', `/v1/messages/${created.body.id}`, {
      json: { subject: 'After' },
    })
    expect(res.status).toBe(202)
    expect(res.body).toMatchObject({
      status: 'accepted',
      warnings: [expect.objectContaining({ step: 'complete', code: 'upstream_unavailable' })],
    })
    expect(sim().store.getCommunication(Number(created.body.remoteId))).toMatchObject({ subject: 'After' })
  })

  it('replays the same 201 with its warnings for a repeated Idempotency-Key, without writing again', async () => {
    sim().faults.inject({ type: 'status', status: 500, method: 'PUT', pathPrefix: '/service/communications/' })
    const body = { source: 'batchbook', kind: 'note', body: 'Once only.', tags: ['once'] }
    const headers = { 'idempotency-key': 'accepted-write-replay' }
    const first = await call<Message>(gw, 'POST', '/v1/messages', { json: body, headers })
    const from = mark(gw.sandbox!)
    const again = await call<Message>(gw, 'POST', '/v1/messages', { json: body, headers })
    expect(again.status).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.headers.location).toBe(first.headers.location)
    expect(again.body).toEqual(first.body)
    expect(callsSince(gw.sandbox!, from).batchbook).toHaveLength(0)
  })

  it('never exceeded the limit', () => {
    expect(violations(gw.sandbox!)).toBe(0)
  })
})
