import { connect } from 'node:net'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_KEY, getJson, startGateway, type RunningGateway } from '../helpers/gateway.js'

let gw: RunningGateway

beforeAll(async () => {
  gw = await startGateway()
})
afterAll(async () => gw.close())

describe('problem responses', () => {
  it('answers unknown routes with a 404 problem', async () => {
    const res = await getJson(`${gw.url}/v1/nothing-here?x=1`)
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({
      code: 'not_found',
      status: 404,
      detail: 'No route for GET /v1/nothing-here',
      instance: '/v1/nothing-here',
    })
  })

  it('turns schema validation failures into validation_failed with field errors', async () => {
    const res = await getJson(`${gw.url}/v1/messages?limit=1000`)
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'querystring/limit', pointer: '/querystring/limit', message: 'must be 100 or less' }],
    })
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

  it('answers 415 unsupported_media_type for a text/plain body to a JSON route', async () => {
    const res = await send('POST', '/v1/messages', { 'content-type': 'text/plain' }, '{"source":"batchbook"}')
    expect(res).toMatchObject({ status: 415, type: PROBLEM, body: { code: 'unsupported_media_type', status: 415 } })
  })

  it('answers 415 for a JSON body in another charset than UTF-8, and reads utf-8 and UTF8 alike', async () => {
    const body = '{"source":"batchbook"}'
    const refused = await send('POST', '/v1/messages', { 'content-type': 'application/json; charset=utf-16' }, body)
    expect(refused).toMatchObject({ status: 415, type: PROBLEM, body: { code: 'unsupported_media_type' } })
    expect(String(refused.body?.detail)).toContain('utf-16')
    for (const charset of ['utf-8', 'UTF8', '"utf-8"']) {
      const read = await send('POST', '/v1/messages', { 'content-type': `application/json; charset=${charset}` }, body)
      // Read, then refused for what it lacks: a 400, never a 415.
      expect(read.status, charset).toBe(400)
    }
  })

  it('answers 415 for any other non-JSON body', async () => {
    for (const type of ['application/xml', 'application/x-www-form-urlencoded', 'text/csv']) {
      expect(await send('PATCH', '/v1/messages/x', { 'content-type': type }, 'a=b'), type).toMatchObject({
        status: 415,
        type: PROBLEM,
        body: { code: 'unsupported_media_type' },
      })
    }
  })

  it('answers 414 uri_too_long as a problem for an over-long path parameter', async () => {
    const res = await send('GET', `/v1/messages/msg_${'a'.repeat(250)}`)
    expect(res).toMatchObject({
      status: 414,
      type: PROBLEM,
      body: { code: 'uri_too_long', status: 414, title: 'A path parameter is too long' },
    })
    expect(res.body.requestId).toBe(res.headers['x-request-id'])
  })

  it('answers an undecodable path as a problem', async () => {
    expect(await send('GET', '/v1/messages/%zz')).toMatchObject({
      status: 400,
      type: PROBLEM,
      body: { code: 'validation_failed' },
    })
  })

  it('answers malformed HTTP and oversized headers as problems', async () => {
    const malformed = await raw('GET /healthz HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n')
    expect(malformed).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(malformed).toContain(`Content-Type: ${PROBLEM}`)
    expect(JSON.parse(malformed.split('\r\n\r\n')[1] ?? '')).toMatchObject({ code: 'validation_failed', status: 400 })
    const oversized = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
    expect(oversized).toMatch(/^HTTP\/1\.1 431 /)
    expect(JSON.parse(oversized.split('\r\n\r\n')[1] ?? '')).toMatchObject({ code: 'headers_too_large', status: 431 })
  })

  it('answers bad JSON syntax and an empty JSON body as problems', async () => {
    expect(await send('POST', '/v1/messages', { 'content-type': 'application/json' }, '{"source":')).toMatchObject({
      status: 400,
      type: PROBLEM,
      body: { code: 'validation_failed' },
    })
    expect(await send('POST', '/v1/messages', { 'content-type': 'application/json' }, '')).toMatchObject({
      status: 400,
      type: PROBLEM,
      body: { code: 'validation_failed' },
    })
  })

  it('answers a method the path does not have with 405 method_not_allowed and Allow', async () => {
    const res = await send('PUT', '/v1/messages')
    expect(res).toMatchObject({ status: 405, type: PROBLEM, body: { code: 'method_not_allowed', status: 405 } })
    expect(res.headers.allow).toBe('GET, HEAD, POST')
    expect((await send('POST', '/v1/messages/msg_WyJiYXRjaGJvb2siLCJiYXRjaGJvb2siLCIxIl0')).headers.allow).toBe(
      'GET, HEAD, PATCH, DELETE',
    )
    expect((await send('DELETE', '/healthz')).headers.allow).toBe('GET, HEAD')
  })

  it('still answers 404 for a path no method has', async () => {
    expect(await send('PUT', '/v1/nothing-here')).toMatchObject({
      status: 404,
      type: PROBLEM,
      body: { code: 'not_found' },
    })
  })

  it('rejects integer query parameters that are not plain decimal digits', async () => {
    for (const limit of ['1e309', '1e1', '0x10', '+5', '-5', '5.0', '%205', '5%20', '']) {
      const res = await send('GET', `/v1/messages?limit=${limit}`)
      expect(res, limit).toMatchObject({
        status: 400,
        body: { code: 'validation_failed', errors: [{ path: 'querystring/limit' }] },
      })
    }
  })

  it('still takes plain digits for integer query parameters', async () => {
    // No upstream is configured here, so a valid page is an empty one.
    expect(await send('GET', '/v1/messages?limit=007')).toMatchObject({ status: 200, body: { data: [] } })
  })
})

const PROBLEM = 'application/problem+json; charset=utf-8'

/** What the server writes back to bytes sent as they are. */
async function raw(bytes: string): Promise<string> {
  const socket = connect(Number(new URL(gw.url).port), '127.0.0.1')
  let answer = ''
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')))
  socket.write(bytes)
  await new Promise((resolve) => socket.on('close', resolve))
  return answer
}

async function send(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const res = await request(`${gw.url}${path}`, {
    method: method as 'GET',
    headers: { authorization: `Bearer ${TEST_KEY}`, ...headers },
    body,
  })
  const text = await res.body.text()
  return {
    status: res.statusCode,
    type: res.headers['content-type'],
    headers: res.headers,
    body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
  }
}
