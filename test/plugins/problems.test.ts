import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getJson, startGateway, type RunningGateway } from '../helpers/gateway.js'

let gw: RunningGateway

beforeAll(async () => {
  gw = await startGateway()
})
afterAll(async () => gw.close())

describe('problem responses', () => {
  it('answers unknown routes with a 404 problem', async () => {
    const res = await getJson(`${gw.url}/v1/nothing-here?x=1`)
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ code: 'not_found', status: 404, detail: 'No route for GET /v1/nothing-here', instance: '/v1/nothing-here' })
  })

  it('turns schema validation failures into validation_failed with field errors', async () => {
    const res = await getJson(`${gw.url}/v1/messages?limit=1000`)
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'querystring/limit', message: 'must be <= 100' }] })
  })

  it('answers a malformed cursor with invalid_cursor', async () => {
    const res = await getJson(`${gw.url}/v1/messages?cursor=bm90LWEtY3Vyc29y`)
    expect(res).toMatchObject({ status: 400, body: { code: 'invalid_cursor' } })
  })

  it('keeps a safe X-Request-Id from the caller and echoes it in the problem', async () => {
    const res = await getJson(`${gw.url}/v1/sources`, { 'x-request-id': 'trace-42' })
    expect(res.headers['x-request-id']).toBe('trace-42')
    expect(res.body?.requestId).toBe('trace-42')
  })

  it('replaces an unsafe X-Request-Id', async () => {
    const res = await getJson(`${gw.url}/healthz`, { 'x-request-id': 'bad id\twith spaces' })
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })
})
