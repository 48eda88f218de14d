import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { request } from 'undici'
import { TEST_KEY, startGateway, testConfig } from './helpers/gateway.js'

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    },
  })
  return { stream, text: () => chunks.join('') }
}

describe('logging', () => {
  it('never writes API keys or upstream credentials', async () => {
    const out = capture()
    const config = testConfig({ logLevel: 'trace' })
    const gw = await startGateway({
      config,
      withSandbox: true,
      logStream: out.stream,
    })
    try {
      const res = await request(`${gw.url}/v1/sources`, {
        headers: { authorization: `Bearer ${TEST_KEY}`, 'x-api-key': TEST_KEY },
      })
      await res.body.dump()
      // Code that logs a connection or the request headers must still not leak them.
      gw.app.log.info(
        { connection: config.connections[0], req: { headers: { authorization: `Bearer ${TEST_KEY}` } } },
        'diagnostic',
      )
    } finally {
      await gw.close()
    }
    const text = out.text()
    expect(text).toContain('diagnostic')
    expect(text).toContain('[redacted]')
    expect(text).not.toContain(TEST_KEY)
    for (const connection of config.connections) expect(text).not.toContain(connection.credential)
  })
})

describe('request log and tracing', () => {
  it('logs one completion line with the request id, route and upstream timings, and propagates traceparent', async () => {
    const out = capture()
    const gw = await startGateway({
      config: testConfig({ logLevel: 'info' }),
      withSandbox: true,
      logStream: out.stream,
    })
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
    // The upstream takes 7 ms of the gateway's (virtual) time to answer: the timing shows it.
    gw.sandbox!.batchbook.simulator.faults.baseLatencyMs = 7
    try {
      const res = await request(`${gw.url}/v1/messages?source=batchbook&limit=2`, {
        headers: {
          authorization: `Bearer ${TEST_KEY}`,
          'x-request-id': 'req-trace-1',
          traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        },
      })
      expect(res.statusCode).toBe(200)
      await res.body.dump()
      const sent = gw.sandbox!.batchbook.simulator.stats.recent.at(-1)?.traceparent
      expect(sent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`))
      expect(sent).not.toContain('00f067aa0ba902b7')
    } finally {
      await gw.close()
    }
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    const completed = lines.filter((l) => l.msg === 'request completed')
    expect(completed).toHaveLength(1)
    expect(completed[0]).toMatchObject({
      requestId: 'req-trace-1',
      route: '/v1/messages',
      statusCode: 200,
      traceId,
      upstream: { calls: 1, cache: 'MISS' },
    })
    expect((completed[0]?.upstream as { ms: number }).ms).toBeGreaterThanOrEqual(7)
    expect(completed[0]).not.toHaveProperty('code')
  })

  it('names the problem code in the completion line of a request answered with a problem', async () => {
    const out = capture()
    const gw = await startGateway({
      config: testConfig({ logLevel: 'info' }),
      withSandbox: true,
      logStream: out.stream,
    })
    try {
      const anonymous = await request(`${gw.url}/v1/messages`, { headers: { 'x-request-id': 'req-problem-1' } })
      expect(anonymous.statusCode).toBe(401)
      await anonymous.body.dump()
      const invalid = await request(`${gw.url}/v1/messages?kind=letter`, {
        headers: { authorization: `Bearer ${TEST_KEY}`, 'x-request-id': 'req-problem-2' },
      })
      expect(invalid.statusCode).toBe(400)
      expect(await invalid.body.json()).toMatchObject({
        errors: [
          {
            path: 'querystring/kind',
            pointer: '/querystring/kind',
            message: 'must be one of email, note, phone, chat',
            allowed: ['email', 'note', 'phone', 'chat'],
          },
        ],
      })
      const unknown = await request(`${gw.url}/v1/nothing`, { headers: { 'x-request-id': 'req-problem-3' } })
      await unknown.body.dump()
    } finally {
      await gw.close()
    }
    const completed = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'request completed')
    expect(completed.find((l) => l.requestId === 'req-problem-1')).toMatchObject({
      statusCode: 401,
      code: 'unauthorized',
    })
    expect(completed.find((l) => l.requestId === 'req-problem-2')).toMatchObject({
      statusCode: 400,
      code: 'validation_failed',
      route: '/v1/messages',
    })
    expect(completed.find((l) => l.requestId === 'req-problem-3')).toMatchObject({ statusCode: 404, code: 'not_found' })
  })

  it('starts a new trace when the incoming traceparent is malformed', async () => {
    const gw = await startGateway({ withSandbox: true })
    try {
      const res = await request(`${gw.url}/v1/messages?source=batchbook&limit=1`, {
        headers: { authorization: `Bearer ${TEST_KEY}`, traceparent: 'garbage' },
      })
      await res.body.dump()
      expect(gw.sandbox!.batchbook.simulator.stats.recent.at(-1)?.traceparent).toMatch(
        /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/,
      )
    } finally {
      await gw.close()
    }
  })
})
