/**
 * Snappy notes written through `POST /v1/messages`: a new ticket, read back through its
 * conversation by nonce; a staff reply into it; a private note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeId, encodeId } from '../../../src/ids.js'
import type { Message } from '../../../src/schemas/message.js'
import type { RunningGateway } from '../../helpers/gateway.js'
import { WCL_MAILBOX, call, secretsIn, snappyId, startSnappyGateway } from '../../upstreams/snappy/e2e.js'

let gw: RunningGateway
const store = () => gw.sandbox!.snappy.simulator.store
type Conv = { id: string; nonce: string; subject: string; status: string; remoteId: string }
type List<T> = { data: T[]; nextCursor: string | null }

beforeAll(async () => {
  gw = await startSnappyGateway()
})
afterAll(async () => gw.close())

let created: Message
let conversation: Conv

describe('POST /v1/messages with a Snappy note', () => {
  it('opens a new ticket, which is read back through its conversation by nonce', async () => {
    const res = await call<Message>(gw, 'POST', '/v1/messages', {
      json: {
        source: 'snappy',
        mailboxId: WCL_MAILBOX,
        from: [{ name: 'Ada Lovelace', address: 'ada@example.org' }],
        subject: 'Engine arrived damaged',
        body: 'The difference engine arrived with a bent crank.',
      },
    })
    expect(res.status).toBe(201)
    created = res.body
    expect(res.headers.location).toBe(`/v1/messages/${created.id}`)
    expect(created).toMatchObject({
      source: 'snappy',
      connection: 'snappy',
      kind: 'email',
      visibility: 'public',
      subject: null,
      body: { text: 'The difference engine arrived with a bent crank.', html: null },
      author: { role: 'from', name: 'Ada Lovelace', address: 'ada@example.org', kind: 'contact' },
      participants: [{ role: 'from', address: 'ada@example.org', kind: 'contact' }],
    })
    const [ticketId, noteId] = decodeId('message', created.id, 2).parts as [string, string]
    expect(created.conversationId).toBe(snappyId('conversation', ticketId))
    const ticket = store().tickets.tickets.get(Number(ticketId))!
    expect(
      store()
        .tickets.notesOf(ticket.id)
        .map((n) => String(n.id)),
    ).toEqual([noteId])

    const byId = await call<Conv>(gw, 'GET', `/v1/conversations/${created.conversationId!}`)
    expect(byId.status).toBe(200)
    conversation = byId.body
    expect(conversation).toMatchObject({
      remoteId: ticketId,
      nonce: ticket.nonce,
      subject: 'Engine arrived damaged',
      status: 'waiting',
    })
    const byNonce = await call<Conv>(gw, 'GET', `/v1/conversations/${conversation.nonce}`)
    expect(byNonce.body).toEqual(conversation)
    const messages = await call<List<Message>>(gw, 'GET', `/v1/conversations/${conversation.nonce}/messages`)
    expect(messages.body.data).toEqual([created])
  })

  it('reads the created message back through GET /v1/messages/{id}', async () => {
    const res = await call<Message>(gw, 'GET', `/v1/messages/${created.id}`)
    expect(res).toMatchObject({
      status: 200,
      body: { id: created.id, body: created.body, conversationId: created.conversationId },
    })
  })

  it('replies into the conversation as staff: HTML kept, clean text derived, newest first', async () => {
    const res = await call<Message>(gw, 'POST', '/v1/messages', {
      json: {
        source: 'snappy',
        mailboxId: WCL_MAILBOX,
        conversationId: conversation.id,
        staffId: snappyId('staff', '58'),
        to: [{ name: 'Ada Lovelace', address: 'ada@example.org' }],
        body: 'Sorry to hear that!\n\nA replacement crank & gears are on the way.',
      },
    })
    expect(res.status).toBe(201)
    const reply = res.body
    expect(reply.conversationId).toBe(conversation.id)
    expect(reply.body.html).toBe('<p>Sorry to hear that!</p>\n<p>A replacement crank &amp; gears are on the way.</p>\n')
    expect(reply.body.text).toBe('Sorry to hear that!\n\nA replacement crank & gears are on the way.')
    expect(reply.author).toMatchObject({ kind: 'staff', name: 'Mike Jones', contactId: null })
    expect(reply.participants).toMatchObject([{ role: 'to', address: 'ada@example.org' }])
    expect(secretsIn(reply)).toEqual([])
    const messages = await call<List<Message>>(gw, 'GET', `/v1/conversations/${conversation.id}/messages`)
    expect(messages.body.data.map((m) => m.id)).toEqual([reply.id, created.id])
    expect((await call<Conv>(gw, 'GET', `/v1/conversations/${conversation.nonce}`)).body.status).toBe('replied')
  })

  it('writes a private note', async () => {
    const res = await call<Message>(gw, 'POST', '/v1/messages', {
      json: {
        source: 'snappy',
        mailboxId: WCL_MAILBOX,
        conversationId: conversation.id,
        staffId: snappyId('staff', '3696'),
        body: 'Check the courier claim.',
        visibility: 'private',
        tags: ['#claim'],
      },
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      kind: 'note',
      visibility: 'private',
      author: { name: 'Jeremy Thurgood', kind: 'staff' },
      participants: [],
      tags: ['#claim'],
    })
  })

  it('refuses ids of another connection or account', async () => {
    const elsewhere = encodeId('mailbox', { source: 'snappy', connection: 'other', parts: ['3249', '3642'] })
    const base = { source: 'snappy', from: [{ address: 'x@example.org' }], body: 'Hello' }
    expect(await call(gw, 'POST', '/v1/messages', { json: { ...base, mailboxId: elsewhere } })).toMatchObject({
      status: 400,
      body: { code: 'invalid_id' },
    })
    expect(
      await call(gw, 'POST', '/v1/messages', {
        json: { ...base, mailboxId: snappyId('mailbox', '3088', '3590'), conversationId: conversation.id },
      }),
    ).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    })
    const bbStaff = encodeId('staff', { source: 'batchbook', connection: 'batchbook', parts: ['58'] })
    expect(
      await call(gw, 'POST', '/v1/messages', { json: { ...base, mailboxId: WCL_MAILBOX, staffId: bbStaff } }),
    ).toMatchObject({ status: 400, body: { code: 'invalid_id' } })
  })
})
