import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { TEST_KEY, getJson, startGateway, testConfig, type RunningGateway } from '../helpers/gateway.js'

let gw: RunningGateway
const auth = { authorization: `Bearer ${TEST_KEY}` }
const listRoute = 'GET /service/communications.xml'

beforeAll(async () => {
  gw = await startGateway({ withSandbox: true })
})
afterAll(async () => gw.close())

describe('caching headers on gateway answers', () => {
  it('marks the first read MISS and the repeat HIT, with the same ETag and Cache-Control: private', async () => {
    const first = await getJson(`${gw.url}/v1/messages?source=batchbook&limit=4`)
    const second = await getJson(`${gw.url}/v1/messages?source=batchbook&limit=4`)
    expect(first.headers['x-cache']).toBe('MISS')
    expect(second.headers['x-cache']).toBe('HIT')
    expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/)
    expect(second.headers.etag).toBe(first.headers.etag)
    expect(first.headers['cache-control']).toBe('private')
    expect(gw.sandbox!.batchbook.simulator.stats.count(listRoute)).toBe(1)
  })

  it('answers 304 with no body to a matching If-None-Match', async () => {
    const first = await getJson(`${gw.url}/v1/messages?source=batchbook&limit=4`)
    const res = await request(`${gw.url}/v1/messages?source=batchbook&limit=4`, {
      headers: { ...auth, 'if-none-match': `W/"other", ${first.headers.etag as string}` },
    })
    expect(res.statusCode).toBe(304)
    expect(await res.body.text()).toBe('')
    expect(res.headers.etag).toBe(first.headers.etag)
  })

  it('answers 200 when If-None-Match does not match', async () => {
    const res = await getJson(`${gw.url}/v1/messages?source=batchbook&limit=4`, { ...auth, 'if-none-match': '"stale"' })
    expect(res.status).toBe(200)
  })

  it('carries the rate budget of the connection it used', async () => {
    const res = await getJson(`${gw.url}/v1/messages?source=batchbook&limit=4`)
    expect(res.headers['x-ratelimit-limit']).toBe('1')
    expect(res.headers['x-ratelimit-resource']).toBe('batchbook')
    expect(Number(res.headers['x-ratelimit-remaining'])).toBeGreaterThanOrEqual(0)
    expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(Math.floor(gw.app.clock.now() / 1000))
  })

  it('names one IETF policy per connection used, with each one’s remaining quota', async () => {
    const one = await getJson(`${gw.url}/v1/messages?source=batchbook&limit=4`)
    expect(one.headers['ratelimit-policy']).toBe('"batchbook";q=1;w=1')
    expect(one.headers.ratelimit).toMatch(/^"batchbook";r=[01];t=\d+$/)
    const both = await getJson(`${gw.url}/v1/messages?limit=4`)
    expect(both.headers['ratelimit-policy']).toBe('"batchbook";q=1;w=1, "snappy";q=200;w=60')
    expect(both.headers.ratelimit).toMatch(/^"batchbook";r=\d+;t=\d+, "snappy";r=\d+;t=\d+$/)
  })
})

describe('stale answers', () => {
  it('serves cached data marked STALE when the upstream fails after the data expired', async () => {
    const config = testConfig()
    const shortLived = await startGateway({
      withSandbox: true,
      config: { ...config, cache: { ...config.cache, ttlMs: { record: 1, list: 1 } } },
    })
    try {
      const fresh = await getJson(`${shortLived.url}/v1/messages?source=batchbook&limit=3`)
      shortLived.sandbox!.batchbook.simulator.faults.inject({ type: 'status', status: 500, times: 3 })
      await shortLived.app.clock.sleep(5)
      const stale = await getJson(`${shortLived.url}/v1/messages?source=batchbook&limit=3`)
      expect(stale.status).toBe(200)
      expect(stale.headers['x-cache']).toBe('STALE')
      expect(stale.body).toEqual(fresh.body)
    } finally {
      await shortLived.close()
    }
  })
})

describe('coalescing through the gateway', () => {
  it('answers 1000 concurrent identical cold GETs with one upstream request', async () => {
    const fresh = await startGateway({ withSandbox: true })
    try {
      const answers = await Promise.all(
        Array.from({ length: 1000 }, async () => {
          const res = await request(`${fresh.url}/v1/messages?source=batchbook&limit=5`, { headers: auth })
          await res.body.dump()
          return res.statusCode
        }),
      )
      expect(answers.every((status) => status === 200)).toBe(true)
      expect(fresh.sandbox!.batchbook.simulator.stats.count(listRoute)).toBe(1)
    } finally {
      await fresh.close()
    }
  })
})
