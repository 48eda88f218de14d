import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningGateway } from '../../helpers/gateway.js'
import { CRM_KEY, WCL, batchbookId, call, snappyId, startSnappyGateway } from '../../upstreams/snappy/e2e.js'

let gw: RunningGateway
beforeAll(async () => {
  gw = await startSnappyGateway()
})
afterAll(async () => gw.close())

describe('GET /v1/contacts/{id}', () => {
  it('reads a Snappy contact by its id', async () => {
    const id = snappyId('contact', '3249', '119399')
    const res = await call(gw, 'GET', `/v1/contacts/${id}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      id,
      source: 'snappy',
      connection: 'snappy',
      remoteId: '119399',
      accountId: WCL,
      firstName: 'John',
      lastName: 'Smith',
      name: 'John Smith',
      address: 'john.smith@gmail.com',
      provider: 'email',
      createdAt: '2014-09-18T10:27:27.000Z',
      updatedAt: '2014-09-18T10:27:27.000Z',
    })
  })

  it('answers 404 for a contact of another account, 405 for a BatchBook contact, 403 for a key without Snappy', async () => {
    const before = gw.sandbox!.snappy.simulator.stats.requests
    expect(await call(gw, 'GET', `/v1/contacts/${batchbookId('contact', '4')}`)).toMatchObject({
      status: 405,
      body: { code: 'unsupported_by_source' },
    })
    expect(
      await call(gw, 'GET', `/v1/contacts/${snappyId('contact', '3249', '119399')}`, { key: CRM_KEY }),
    ).toMatchObject({ status: 403, body: { code: 'forbidden_connection' } })
    expect(await call(gw, 'GET', '/v1/contacts/ctc_x')).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    })
    expect(gw.sandbox!.snappy.simulator.stats.requests).toBe(before)
    expect(await call(gw, 'GET', `/v1/contacts/${snappyId('contact', '3088', '119399')}`)).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    })
  })
})
