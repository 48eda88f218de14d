/**
 * Snappy's rules for a note, checked before anything is sent: a sender (`from` or `staffId`),
 * a mailbox for a new conversation (a reply takes its conversation's), and the body sent as
 * it is, HTML included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Message } from '../../../src/schemas/message.js'
import { type RunningGateway, startGateway } from '../../helpers/gateway.js'
import { callsSince, mark } from '../../helpers/upstream-calls.js'
import { WCL_MAILBOX, call } from './e2e.js'

let gw: RunningGateway
beforeAll(async () => {
  gw = await startGateway({ withSandbox: true })
})
afterAll(async () => gw.close())

interface Problem {
  code: string
  errors: Array<{ path: string; message: string }>
}

describe('a Snappy note', () => {
  it('without a sender is refused at once, naming both fields, with no upstream call', async () => {
    const from = mark(gw.sandbox!)
    const res = await call<Problem>(gw, 'POST', '/v1/messages', {
      json: { source: 'snappy', mailboxId: WCL_MAILBOX, subject: 'Nobody', body: 'From no one.' },
    })
    expect(res.status).toBe(400)
    expect(res.body.errors.map((e) => e.path)).toEqual(['body/from', 'body/staffId'])
    expect(callsSince(gw.sandbox!, from).snappy).toEqual([])
  })

  it('needs a mailbox to open a conversation', async () => {
    const res = await call<Problem>(gw, 'POST', '/v1/messages', {
      json: { source: 'snappy', from: [{ address: 'ada@example.org' }], body: 'Where to?' },
    })
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'body/mailboxId' })])
  })

  it('replies into its conversation’s mailbox when none is named, and keeps HTML as sent', async () => {
    const opened = await call<Message>(gw, 'POST', '/v1/messages', {
      json: {
        source: 'snappy',
        mailboxId: WCL_MAILBOX,
        from: [{ address: 'ada@example.org' }],
        subject: 'Opened',
        body: 'First.',
      },
    })
    expect(opened.status).toBe(201)
    const reply = await call<Message>(gw, 'POST', '/v1/messages', {
      json: {
        source: 'snappy',
        conversationId: opened.body.conversationId,
        from: [{ address: 'ada@example.org' }],
        body: '<p>Second, <b>bold</b>.</p>',
      },
    })
    expect(reply.status, JSON.stringify(reply.body)).toBe(201)
    expect(reply.body.conversationId).toBe(opened.body.conversationId)
    expect(reply.body.body).toEqual({ text: 'Second, bold.', html: '<p>Second, <b>bold</b>.</p>' })
  })
})
