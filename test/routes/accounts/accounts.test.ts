import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeId, encodeId } from '../../../src/ids.js'
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
const sim = () => gw.sandbox!.snappy.simulator
type List = { data: Array<Record<string, unknown>>; nextCursor: string | null; warnings?: unknown[] }

beforeAll(async () => {
  gw = await startSnappyGateway()
})
afterAll(async () => gw.close())

describe('GET /v1/accounts', () => {
  it('lists the accounts of the Snappy connection, without billing fields', async () => {
    const res = await call<List>(gw, 'GET', '/v1/accounts')
    expect(res.status).toBe(200)
    expect(res.body.data.map((a) => [a.id, a.organization])).toEqual([
      [WCL, 'Western Cape Labs (Test)'],
      [PRAEKELT, 'Praekelt Foundation'],
    ])
    expect(res.body.data[0]).toMatchObject({
      source: 'snappy',
      connection: 'snappy',
      remoteId: '3249',
      active: true,
      membership: { username: 'mike', owner: true, admin: true },
    })
    expect(res.body.nextCursor).toBeNull()
    expect(secretsIn(res.body)).toEqual([])
  })

  it('pages with limit and cursor', async () => {
    const first = await call<List>(gw, 'GET', '/v1/accounts?limit=1')
    expect(first.body.data.map((a) => a.id)).toEqual([WCL])
    const second = await call<List>(gw, 'GET', `/v1/accounts?limit=1&cursor=${first.body.nextCursor}`)
    expect(second.body).toMatchObject({ data: [{ id: PRAEKELT }], nextCursor: null })
  })

  it('is empty for a key limited to other connections, and refuses its Snappy connection by name', async () => {
    expect((await call<List>(gw, 'GET', '/v1/accounts', { key: CRM_KEY })).body).toEqual({ data: [], nextCursor: null })
    expect(await call(gw, 'GET', '/v1/accounts?connection=snappy', { key: CRM_KEY })).toMatchObject({
      status: 403,
      body: { code: 'forbidden_connection' },
    })
    expect(await call(gw, 'GET', '/v1/accounts?connection=batchbook')).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    })
  })
})

describe('GET /v1/accounts/{accountId}/mailboxes and /staff', () => {
  it('lists mailboxes', async () => {
    const res = await call<List>(gw, 'GET', `/v1/accounts/${WCL}/mailboxes`)
    expect(res.status).toBe(200)
    expect(res.body.data.map((m) => [m.address, decodeId('mailbox', m.id as string, 2).parts])).toEqual([
      ['hello@wcldemo.besnappy.com', ['3249', '3642']],
      ['billing@wcldemo.besnappy.com', ['3249', '3643']],
    ])
    expect(secretsIn(res.body)).toEqual([])
  })

  it('lists staff without tokens, phone numbers or mobile settings', async () => {
    const res = await call<List>(gw, 'GET', `/v1/accounts/${WCL}/staff`)
    expect(res.status).toBe(200)
    expect(res.body.data.map((s) => s.username)).toEqual(['mike', 'jeremy', 'nomsa', expect.any(String)])
    expect(res.body.data[0]).toMatchObject({
      id: snappyId('staff', '58'),
      name: 'Mike Jones',
      email: 'mike@westerncapelabs.com',
      owner: true,
      accountId: WCL,
    })
    expect(secretsIn(res.body)).toEqual([])
    expect(JSON.stringify(res.body)).not.toContain('0027')
  })

  it('answers 404 for an account the key’s staff member is not in', async () => {
    const res = await call(gw, 'GET', `/v1/accounts/${snappyId('account', '9999')}/staff`)
    expect(res).toMatchObject({ status: 404, body: { code: 'not_found', upstream: { source: 'snappy', status: 404 } } })
  })

  it('validates ids before any upstream call', async () => {
    const before = sim().stats.requests
    expect(await call(gw, 'GET', '/v1/accounts/acct_%21%21/mailboxes')).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    })
    expect(await call(gw, 'GET', '/v1/accounts/acct_bm90LWpzb24/mailboxes')).toMatchObject({
      status: 400,
      body: { code: 'invalid_id' },
    })
    expect(await call(gw, 'GET', `/v1/accounts/${snappyId('conversation', '1')}/mailboxes`)).toMatchObject({
      status: 400,
    })
    expect(await call(gw, 'GET', `/v1/accounts/${batchbookId('account', 'acme')}/staff`)).toMatchObject({
      status: 405,
      body: { code: 'unsupported_by_source' },
    })
    expect(await call(gw, 'GET', `/v1/accounts/${WCL}/mailboxes`, { key: CRM_KEY })).toMatchObject({
      status: 403,
      body: { code: 'forbidden_connection' },
    })
    const elsewhere = encodeId('account', { source: 'snappy', connection: 'elsewhere', parts: ['3249'] })
    expect(await call(gw, 'GET', `/v1/accounts/${elsewhere}/mailboxes`)).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    })
    expect(sim().stats.requests).toBe(before)
  })
})

describe('GET /v1/accounts/{accountId}/contacts/{idOrEmail}', () => {
  it('finds a contact by e-mail address, by Snappy id and by contact id', async () => {
    const byEmail = await call(gw, 'GET', `/v1/accounts/${WCL}/contacts/john.smith@gmail.com`)
    expect(byEmail.status).toBe(200)
    expect(byEmail.body).toMatchObject({
      source: 'snappy',
      remoteId: '119399',
      name: 'John Smith',
      address: 'john.smith@gmail.com',
      accountId: WCL,
    })
    expect(decodeId('contact', byEmail.body.id as string, 2).parts).toEqual(['3249', '119399'])
    expect((await call(gw, 'GET', `/v1/accounts/${WCL}/contacts/119399`)).body).toEqual(byEmail.body)
    expect((await call(gw, 'GET', `/v1/accounts/${WCL}/contacts/${byEmail.body.id as string}`)).body).toEqual(
      byEmail.body,
    )
  })

  it('answers 404 for an unknown address and 400 for something that is neither', async () => {
    expect(await call(gw, 'GET', `/v1/accounts/${WCL}/contacts/nobody@nowhere.example`)).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    })
    expect(await call(gw, 'GET', `/v1/accounts/${WCL}/contacts/not-an-address`)).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    })
    expect(
      await call(gw, 'GET', `/v1/accounts/${PRAEKELT}/contacts/${snappyId('contact', '3249', '119399')}`),
    ).toMatchObject({ status: 400 })
  })
})
