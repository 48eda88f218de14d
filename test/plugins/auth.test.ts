import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_KEY, getJson, startGateway, type RunningGateway } from '../helpers/gateway.js'

let gw: RunningGateway

beforeAll(async () => {
  gw = await startGateway()
})
afterAll(async () => gw.close())

describe('API-key authentication', () => {
  it('accepts a Bearer key', async () => {
    expect((await getJson(`${gw.url}/v1/sources`, { authorization: `Bearer ${TEST_KEY}` })).status).toBe(200)
  })

  it('accepts an X-API-Key header', async () => {
    expect((await getJson(`${gw.url}/v1/sources`, { 'x-api-key': TEST_KEY })).status).toBe(200)
  })

  it('answers 401 unauthorized as a problem when no key is sent', async () => {
    const res = await getJson(`${gw.url}/v1/sources`, {})
    expect(res.status).toBe(401)
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8')
    expect(res.headers['www-authenticate']).toBe('Bearer realm="switchboard"')
    expect(res.body).toMatchObject({
      type: 'urn:switchboard:problem:unauthorized',
      title: 'A valid API key is required',
      status: 401,
      code: 'unauthorized',
      requestId: res.headers['x-request-id'],
      instance: '/v1/sources',
    })
  })

  it('answers 401 for a wrong key without echoing it', async () => {
    const res = await getJson(`${gw.url}/v1/sources`, { authorization: 'Bearer sk_wrong_key_value_123' })
    expect(res.status).toBe(401)
    expect(res.body?.detail).toBe('The API key is not valid')
    expect(JSON.stringify(res.body)).not.toContain('sk_wrong_key_value_123')
  })

  it('answers 401 for a non-Bearer Authorization scheme', async () => {
    const basic = `Basic ${Buffer.from(`${TEST_KEY}:x`).toString('base64')}`
    expect((await getJson(`${gw.url}/v1/sources`, { authorization: basic })).status).toBe(401)
  })

  it('leaves health and documentation public', async () => {
    expect((await getJson(`${gw.url}/healthz`, {})).body).toEqual({ status: 'ok' })
    expect((await getJson(`${gw.url}/openapi.json`, {})).status).toBe(200)
  })
})
