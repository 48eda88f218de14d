import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeId, encodeId } from '../../../src/ids.js'
import { FAST_LIMITS, startGateway, type RunningGateway } from '../../helpers/gateway.js'
import { type MessageAnswer, call } from '../../helpers/messages.js'

let gw: RunningGateway
const bb = () => gw.sandbox!.batchbook.simulator
const contact = (id: number, connection = 'batchbook') =>
  encodeId('contact', { source: 'batchbook', connection, parts: [String(id)] })

beforeAll(async () => {
  gw = await startGateway({ withSandbox: true, limits: FAST_LIMITS })
})
afterAll(async () => gw.close())

describe('POST /v1/messages (BatchBook)', () => {
  it('creates a communication with participants and tags, answering 201 with Location and the message', async () => {
    const res = (await call('POST', `${gw.url}/v1/messages`, {
      source: 'batchbook',
      kind: 'phone',
      subject: 'Renewal call',
      body: 'Talked through the plan.',
      sentAt: '2024-05-02T14:30:00Z',
      participants: [
        { contactId: contact(4), role: 'from' },
        { contactId: contact(1), role: 'cc' },
      ],
      tags: ['renewal', 'big deal'],
    })) as MessageAnswer
    expect(res.status).toBe(201)
    expect(res.headers.location).toBe(`/v1/messages/${res.body.id}`)
    const remoteId = Number(decodeId('message', res.body.id, 1).parts[0])
    expect(res.body).toMatchObject({
      source: 'batchbook',
      kind: 'phone',
      subject: 'Renewal call',
      sentAt: '2024-05-02T14:30:00.000Z',
      tags: ['renewal', 'big deal'],
    })
    expect(res.body.participants.map((p) => [p.role, p.contactId])).toEqual([
      ['from', contact(4)],
      ['cc', contact(1)],
    ])
    expect(res.body.author?.contactId).toBe(contact(4))
    expect(bb().store.getCommunication(remoteId)).toMatchObject({ subject: 'Renewal call', ctype: 'Phone' })
    // The create answer takes participants from what it wrote (no read-back), so their names
    // come with the next read; everything else is the record as the upstream holds it.
    const read = (await call('GET', `${gw.url}${res.headers.location as string}`)).body as typeof res.body
    const unnamed = (m: typeof res.body) => ({
      ...m,
      author: m.author && { ...m.author, name: null },
      participants: m.participants.map((p) => ({ ...p, name: null })),
    })
    expect(unnamed(read)).toEqual(res.body)
    expect(read.participants.map((p) => p.name)).toEqual(['Matt Gillooly', "Pamela O'Hara"])
  })

  it('round-trips XML special characters and non-ASCII text unchanged', async () => {
    const subject = `Q3 pricing <draft> & "final" — Tom's café, Zoë Ångström, 山田 太郎 😀`
    const body = `Line one & <two>\n  indented "three"\tand 'four' ]]> end\n`
    const res = (await call('POST', `${gw.url}/v1/messages`, {
      source: 'batchbook',
      kind: 'note',
      subject,
      body,
    })) as MessageAnswer
    expect(res.status).toBe(201)
    expect(res.body.subject).toBe(subject)
    expect(res.body.body.text).toBe(body)
    const read = (await call('GET', `${gw.url}/v1/messages/${res.body.id}`)) as MessageAnswer
    expect(read.body.subject).toBe(subject)
    expect(read.body.body.text).toBe(body)
  })

  it('refuses a contact of another connection before writing anything', async () => {
    const before = bb().stats.requests
    const res = await call('POST', `${gw.url}/v1/messages`, {
      source: 'batchbook',
      kind: 'note',
      body: 'x',
      participants: [{ contactId: contact(4, 'crm-eu'), role: 'to' }],
    })
    expect(res).toMatchObject({ status: 400, body: { code: 'invalid_id' } })
    expect(bb().stats.requests).toBe(before)
  })

  it.each([
    ['an unknown source', { source: 'crm', body: 'x' }],
    ['a missing kind', { source: 'batchbook', body: 'x' }],
    ['an unknown field', { source: 'batchbook', kind: 'note', body: 'x', colour: 'red' }],
    ['a control character XML cannot carry', { source: 'batchbook', kind: 'note', body: 'bell\u0007' }],
    ['a malformed date', { source: 'batchbook', kind: 'note', body: 'x', sentAt: 'yesterday' }],
    [
      'a string where a list belongs (bodies are not coerced)',
      { source: 'batchbook', kind: 'note', body: 'x', tags: 'vip' },
    ],
    ['a number where text belongs', { source: 'batchbook', kind: 'note', body: 42 }],
  ])('answers 400 validation_failed for %s', async (_what, payload) => {
    const before = bb().stats.requests
    expect(await call('POST', `${gw.url}/v1/messages`, payload)).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    })
    expect(bb().stats.requests).toBe(before)
  })

  it("passes the upstream's 422 message on", async () => {
    bb().faults.inject({
      type: 'status',
      status: 422,
      method: 'POST',
      contentType: 'application/xml',
      body: '<?xml version="1.0" encoding="UTF-8"?><errors><error>Subject is too long</error></errors>',
    })
    const res = await call('POST', `${gw.url}/v1/messages`, { source: 'batchbook', kind: 'note', body: 'x' })
    expect(res).toMatchObject({
      status: 422,
      body: {
        code: 'upstream_rejected',
        detail: 'Subject is too long',
        upstream: { source: 'batchbook', status: 422 },
      },
    })
  })

  it('sends the date in the form BatchBook reads', async () => {
    await call('POST', `${gw.url}/v1/messages`, {
      source: 'batchbook',
      kind: 'email',
      body: 'dated',
      sentAt: '2010-07-01T13:37:38Z',
    })
    const created = bb()
      .store.listCommunications()
      .find((c) => c.body === 'dated')
    expect(new Date(created!.date).toISOString()).toBe('2010-07-01T13:37:38.000Z')
  })

  it('never exceeded the upstream rate limit', () => {
    expect(bb().stats.limitViolations).toBe(0)
  })
})
