import { clockReading } from '../../helpers/virtual-clock.js'
import { afterEach, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { basicAuthHeader } from '../../../src/sandbox/frame/basic-auth.js'
import { createSimulatorFrame, listenOnLoopback, type SimulatorFrame } from '../../../src/sandbox/frame/server.js'

let frame: SimulatorFrame | undefined
let clock = 0

async function start(limit: { max: number; windowMs: number } | false = { max: 2, windowMs: 1000 }) {
  clock = 0
  frame = createSimulatorFrame({
    name: 'test',
    authenticate: (user) => (user === 'good' ? user : null),
    limit,
    limitedStatus: 429,
    contentType: 'application/json',
    resetPreamble: '[{"id":1,',
    unauthorized: (reply) => reply.code(401).type('text/plain').send('no'),
    clock: clockReading(() => clock),
  })
  frame.app.get('/things', async () => [{ id: 1, name: 'a long enough name to cut' }])
  frame.app.post('/things', async () => ({ ok: true }))
  return listenOnLoopback(frame.app)
}

const auth = { authorization: basicAuthHeader('good', 'x') }

afterEach(async () => {
  await frame?.app.close()
  frame = undefined
})

describe('simulator frame', () => {
  it('answers 401 without valid Basic credentials and still counts the request', async () => {
    const origin = await start()
    const res = await request(`${origin}/things`, { headers: { authorization: basicAuthHeader('bad', 'x') } })
    expect(res.statusCode).toBe(401)
    await res.body.dump()
    expect(frame!.stats.requests).toBe(1)
  })

  it('counts a limit violation and answers the configured status with Retry-After', async () => {
    const origin = await start({ max: 2, windowMs: 1000 })
    const codes: number[] = []
    for (let i = 0; i < 3; i++) {
      const res = await request(`${origin}/things`, { headers: auth })
      codes.push(res.statusCode)
      if (res.statusCode === 429) expect(res.headers['retry-after']).toBe('1')
      await res.body.dump()
    }
    expect(codes).toEqual([200, 200, 429])
    expect(frame!.stats.limitViolations).toBe(1)
    clock = 1001
    const later = await request(`${origin}/things`, { headers: auth })
    expect(later.statusCode).toBe(200)
    await later.body.dump()
  })

  it('forces a status for the next N matching requests only', async () => {
    const origin = await start(false)
    frame!.faults.inject({ type: 'status', status: 503, retryAfter: 7, times: 2, method: 'GET' })
    const post = await request(`${origin}/things`, { method: 'POST', headers: auth })
    expect(post.statusCode).toBe(200)
    await post.body.dump()
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      const res = await request(`${origin}/things`, { headers: auth })
      statuses.push(res.statusCode)
      await res.body.dump()
    }
    expect(statuses).toEqual([503, 503, 200])
  })

  it('truncates the body on a malformed fault', async () => {
    const origin = await start(false)
    frame!.faults.inject({ type: 'malformed' })
    const res = await request(`${origin}/things`, { headers: auth })
    const text = await res.body.text()
    expect(res.statusCode).toBe(200)
    expect(() => JSON.parse(text)).toThrow()
  })

  it('resets the connection mid-body', async () => {
    const origin = await start(false)
    frame!.faults.inject({ type: 'reset' })
    const res = await request(`${origin}/things`, { headers: auth })
    expect(res.statusCode).toBe(200)
    await expect(res.body.text()).rejects.toThrow()
  })

  it('exposes stats and accepts faults through the control API without counting them', async () => {
    const origin = await start(false)
    const injected = await request(`${origin}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'status', status: 502 }),
    })
    expect(await injected.body.json()).toEqual({ pending: 1 })
    const res = await request(`${origin}/things`, { headers: auth })
    expect(res.statusCode).toBe(502)
    await res.body.dump()
    const stats = (await (await request(`${origin}/__sandbox/stats`)).body.json()) as {
      requests: number
      byRoute: Record<string, number>
    }
    expect(stats.requests).toBe(1)
    expect(stats.byRoute).toEqual({ 'GET /things': 1 })
  })
})
