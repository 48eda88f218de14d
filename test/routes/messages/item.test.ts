import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeId } from '../../../src/ids.js'
import { FAST_LIMITS, startGateway, type RunningGateway } from '../../helpers/gateway.js'
import { type MessageAnswer, call } from '../../helpers/messages.js'

let gw: RunningGateway
const bb = () => gw.sandbox!.batchbook.simulator
const msgId = (remoteId: number | string) =>
  encodeId('message', { source: 'batchbook', connection: 'batchbook', parts: [String(remoteId)] })

beforeAll(async () => {
  gw = await startGateway({ withSandbox: true, limits: FAST_LIMITS })
})
afterAll(async () => gw.close())

describe('GET /v1/messages/{id} (BatchBook)', () => {
  it('returns the documented example communication with its participants and author', async () => {
    const { status, body } = (await call('GET', `${gw.url}/v1/messages/${msgId(69522)}`)) as MessageAnswer
    expect(status).toBe(200)
    const expected = bb().store.participantsOf(69522) ?? []
    expect(body).toMatchObject({
      remoteId: '69522',
      subject: 'Re: Hi again!',
      kind: 'email',
      body: { text: 'The body of the email', html: null },
    })
    expect(body.participants.map((p) => [p.role, p.name])).toEqual(expected.map((p) => [p.role, p.contact.name]))
    const from = body.participants.find((p) => p.role === 'from') ?? null
    expect(body.author).toEqual(from)
  })

  it('adds the decoded upstream record with include=remote', async () => {
    const { body } = (await call('GET', `${gw.url}/v1/messages/${msgId(69522)}?include=remote`)) as MessageAnswer
    expect(body.remote).toMatchObject({ format: 'xml', data: { id: 69522, subject: 'Re: Hi again!', ctype: 'Email' } })
  })

  it('answers 404 for a communication that does not exist', async () => {
    const res = await call('GET', `${gw.url}/v1/messages/${msgId(1)}`)
    expect(res).toMatchObject({
      status: 404,
      body: { code: 'not_found', upstream: { source: 'batchbook', status: 404 } },
    })
  })

  it('answers 400 for a malformed id without calling the upstream', async () => {
    const before = bb().stats.requests
    const bad = encodeId('message', { source: 'batchbook', connection: 'batchbook', parts: ['12abc'] })
    expect((await call('GET', `${gw.url}/v1/messages/${bad}`)).body).toMatchObject({ code: 'invalid_id' })
    expect((await call('GET', `${gw.url}/v1/messages/msg_%24%24%24`)).status).toBe(400)
    expect(bb().stats.requests).toBe(before)
  })

  it('answers 404 for an id naming a connection that is not configured', async () => {
    const other = encodeId('message', { source: 'batchbook', connection: 'crm-eu', parts: ['69522'] })
    expect(await call('GET', `${gw.url}/v1/messages/${other}`)).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    })
  })
})

describe('PATCH and DELETE /v1/messages/{id} (BatchBook)', () => {
  it('updates the given fields and returns the updated message', async () => {
    const id = bb().store.createCommunication({ subject: 'Before', body: 'Old body', ctype: 'Note' }).id
    const res = (await call('PATCH', `${gw.url}/v1/messages/${msgId(id)}`, {
      subject: 'After & <more>',
      kind: 'phone',
      sentAt: '2024-02-03T04:05:06Z',
    })) as MessageAnswer
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      subject: 'After & <more>',
      kind: 'phone',
      body: { text: 'Old body' },
      sentAt: '2024-02-03T04:05:06.000Z',
    })
    expect(bb().store.getCommunication(id)).toMatchObject({
      subject: 'After & <more>',
      ctype: 'Phone',
      body: 'Old body',
    })
  })

  it('refuses an empty update before any upstream call', async () => {
    const before = bb().stats.requests
    expect(await call('PATCH', `${gw.url}/v1/messages/${msgId(69522)}`, {})).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    })
    expect(bb().stats.requests).toBe(before)
  })

  it('deletes a communication, after which it is gone', async () => {
    const id = bb().store.createCommunication({ subject: 'Temporary', body: 'x', ctype: 'Chat' }).id
    expect((await call('GET', `${gw.url}/v1/messages/${msgId(id)}`)).status).toBe(200)
    expect((await call('DELETE', `${gw.url}/v1/messages/${msgId(id)}`)).status).toBe(204)
    expect(bb().store.getCommunication(id)).toBeUndefined()
    expect((await call('GET', `${gw.url}/v1/messages/${msgId(id)}`)).status).toBe(404)
  })

  it('answers 405 unsupported_by_source for editing a Snappy note, without an upstream call', async () => {
    const note = encodeId('message', { source: 'snappy', connection: 'snappy', parts: ['268240', '471947'] })
    const before = gw.sandbox!.snappy.simulator.stats.requests
    expect(await call('PATCH', `${gw.url}/v1/messages/${note}`, { subject: 'x' })).toMatchObject({
      status: 405,
      body: { code: 'unsupported_by_source' },
    })
    expect(await call('DELETE', `${gw.url}/v1/messages/${note}`)).toMatchObject({
      status: 405,
      body: { code: 'unsupported_by_source' },
    })
    expect(gw.sandbox!.snappy.simulator.stats.requests).toBe(before)
  })

  it('lists in Allow what the source can do with the resource', async () => {
    const note = encodeId('message', { source: 'snappy', connection: 'snappy', parts: ['268240', '471947'] })
    const edit = await call('PATCH', `${gw.url}/v1/messages/${note}`, { subject: 'x' })
    expect(edit.status).toBe(405)
    expect(edit.headers.allow).toBe('GET, HEAD')
    // Snappy notes have no participants, tags or comments at all.
    const participants = await call('GET', `${gw.url}/v1/messages/${note}/participants`)
    expect(participants.status).toBe(405)
    expect(participants.headers.allow).toBe('')
    // Only Snappy has conversations: for a BatchBook id the resource allows nothing.
    const conversation = await call(
      'GET',
      `${gw.url}/v1/conversations/${encodeId('conversation', { source: 'batchbook', connection: 'batchbook', parts: ['1'] })}`,
    )
    expect(conversation).toMatchObject({ status: 405, headers: { allow: '' }, body: { code: 'unsupported_by_source' } })
  })
})
