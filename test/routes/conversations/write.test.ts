import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningGateway } from '../../helpers/gateway.js'
import { CRM_KEY, WCL, batchbookId, call, snappyId, startSnappyGateway } from '../../upstreams/snappy/e2e.js'

let gw: RunningGateway
const store = () => gw.sandbox!.snappy.simulator.store
const stats = () => gw.sandbox!.snappy.simulator.stats
type Conv = Record<string, unknown> & { id: string; remoteId: string; nonce: string; status: string; tags: string[] }
type List<T> = { data: T[]; nextCursor: string | null }

beforeAll(async () => {
  gw = await startSnappyGateway()
})
afterAll(async () => gw.close())

const waitingIds = async () =>
  (await call<List<Conv>>(gw, 'GET', `/v1/conversations?account=${WCL}&limit=100`)).body.data.map((c) => c.remoteId)

describe('PUT /v1/conversations/{id}/tags', () => {
  it('replaces the tags, and what was cached before shows the change', async () => {
    const ticket = store()
      .tickets.ticketsOf(3249)
      .find((t) => t.status === 'waiting' && !t.tags.includes('@jeremy'))!
    const id = snappyId('conversation', String(ticket.id))
    await call(gw, 'GET', `/v1/conversations/${id}`)
    await call(gw, 'GET', `/v1/conversations/${ticket.nonce}`)
    const yoursBefore = (
      await call<List<Conv>>(gw, 'GET', `/v1/conversations?queue=yours&account=${WCL}&limit=100`)
    ).body.data.map((c) => c.remoteId)

    const res = await call<Conv>(gw, 'PUT', `/v1/conversations/${id}/tags`, { json: { tags: ['#vip', '@mike'] } })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id, tags: ['#vip', '@mike'] })
    expect(store().tickets.tickets.get(ticket.id)!.tags).toEqual(['#vip', '@mike'])
    expect((await call<Conv>(gw, 'GET', `/v1/conversations/${id}`)).body.tags).toEqual(['#vip', '@mike'])
    expect((await call<Conv>(gw, 'GET', `/v1/conversations/${ticket.nonce}`)).body.tags).toEqual(['#vip', '@mike'])
    const yoursAfter = (
      await call<List<Conv>>(gw, 'GET', `/v1/conversations?queue=yours&account=${WCL}&limit=100`)
    ).body.data.map((c) => c.remoteId)
    expect(yoursAfter).toContain(String(ticket.id))
    expect(yoursAfter.length).toBeGreaterThanOrEqual(yoursBefore.length)
  })

  it('takes a nonce too', async () => {
    const ticket = store().tickets.ticketsOf(3249)[5]!
    const res = await call<Conv>(gw, 'PUT', `/v1/conversations/${ticket.nonce}/tags`, { json: { tags: [] } })
    expect(res).toMatchObject({ status: 200, body: { nonce: ticket.nonce, tags: [] } })
  })

  it('validates the body before any upstream call', async () => {
    const before = stats().requests
    const id = snappyId('conversation', '268400')
    for (const body of [{}, { tags: { a: 1 } }, { tags: [''] }, { tags: ['a', 'a'] }, { tags: ['x'], extra: 1 }]) {
      expect(await call(gw, 'PUT', `/v1/conversations/${id}/tags`, { json: body })).toMatchObject({
        status: 400,
        body: { code: 'validation_failed' },
      })
    }
    expect(
      await call(gw, 'PUT', `/v1/conversations/${batchbookId('conversation', '1')}/tags`, { json: { tags: [] } }),
    ).toMatchObject({ status: 405 })
    expect(await call(gw, 'PUT', `/v1/conversations/${id}/tags`, { json: { tags: [] }, key: CRM_KEY })).toMatchObject({
      status: 403,
    })
    expect(stats().requests).toBe(before)
  })
})

describe('PUT /v1/conversations/{id}/status', () => {
  it('changes the status, and the waiting queue follows', async () => {
    const ticket = store()
      .tickets.ticketsOf(3249)
      .find((t) => t.status === 'waiting')!
    expect(await waitingIds()).toContain(String(ticket.id))
    const res = await call<Conv>(gw, 'PUT', `/v1/conversations/${snappyId('conversation', String(ticket.id))}/status`, {
      json: { status: 'closed' },
    })
    expect(res).toMatchObject({ status: 200, body: { remoteId: String(ticket.id), status: 'closed' } })
    expect(await waitingIds()).not.toContain(String(ticket.id))
    const back = await call<Conv>(gw, 'PUT', `/v1/conversations/${ticket.nonce}/status`, {
      json: { status: 'waiting' },
    })
    expect(back.body.status).toBe('waiting')
    expect(await waitingIds()).toContain(String(ticket.id))
  })

  it('refuses an unknown status before any upstream call', async () => {
    const before = stats().requests
    expect(
      await call(gw, 'PUT', `/v1/conversations/${snappyId('conversation', '268400')}/status`, {
        json: { status: 'snoozed' },
      }),
    ).toMatchObject({ status: 400 })
    expect(stats().requests).toBe(before)
  })

  it('answers 404 for a ticket that does not exist', async () => {
    expect(
      await call(gw, 'PUT', `/v1/conversations/${snappyId('conversation', '1')}/status`, {
        json: { status: 'closed' },
      }),
    ).toMatchObject({ status: 404, body: { code: 'not_found' } })
  })
})

describe('DELETE /v1/conversations/{id}', () => {
  it('deletes the ticket; its conversation and messages are gone, also by nonce and from the queue', async () => {
    const ticket = store()
      .tickets.ticketsOf(3249)
      .find((t) => t.status === 'waiting')!
    const id = snappyId('conversation', String(ticket.id))
    await call(gw, 'GET', `/v1/conversations/${ticket.nonce}/messages`)
    const res = await call(gw, 'DELETE', `/v1/conversations/${id}`)
    expect(res.status).toBe(204)
    expect(res.body).toBeUndefined()
    expect(store().tickets.tickets.get(ticket.id)).toBeUndefined()
    expect(await call(gw, 'GET', `/v1/conversations/${id}`)).toMatchObject({ status: 404 })
    expect(await call(gw, 'GET', `/v1/conversations/${ticket.nonce}/messages`)).toMatchObject({ status: 404 })
    expect(await waitingIds()).not.toContain(String(ticket.id))
    expect(await call(gw, 'DELETE', `/v1/conversations/${id}`)).toMatchObject({ status: 404 })
  })

  it('refuses keys without Snappy and ids of other sources', async () => {
    expect(
      await call(gw, 'DELETE', `/v1/conversations/${snappyId('conversation', '268401')}`, { key: CRM_KEY }),
    ).toMatchObject({ status: 403 })
    expect(await call(gw, 'DELETE', `/v1/conversations/${batchbookId('conversation', '268401')}`)).toMatchObject({
      status: 405,
    })
  })
})
