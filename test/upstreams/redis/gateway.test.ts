import { afterAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { FAST_LIMITS, TEST_KEY, getJson, startGateway, testConfig, type RunningGateway } from '../../helpers/gateway.js'
import { REDIS_URL, closeTestRedis, testPrefix } from '../../helpers/redis.js'

const running: RunningGateway[] = []
afterAll(async () => {
  await Promise.all(running.map((g) => g.close()))
  await closeTestRedis()
})

async function gateway(redisUrl: string, prefix = testPrefix(), replicas = 2) {
  const gw = await startGateway({
    withSandbox: true,
    // Redis keeps its own time: a gateway through it runs on real time.
    virtual: false,
    limits: FAST_LIMITS,
    config: testConfig({ redisUrl, redisKeyPrefix: prefix, replicas }),
  })
  running.push(gw)
  return gw
}

describe('a gateway with REDIS_URL', () => {
  it('reports Redis and the shared budget as ready', async () => {
    const gw = await gateway(REDIS_URL)
    expect(await getJson(`${gw.url}/readyz`, {})).toMatchObject({
      status: 200,
      body: { status: 'ready', redis: 'ok', budget: 'shared' },
    })
  })

  it('shares idempotency records between replicas', async () => {
    const prefix = testPrefix()
    const a = await gateway(REDIS_URL, prefix)
    const b = await gateway(REDIS_URL, prefix)
    // Each replica has its own simulator here, so what they share is the idempotency record: the
    // repeat sent to the second replica is answered from Redis, and its simulator sees no write.
    const body = JSON.stringify({ source: 'batchbook', kind: 'note', body: 'shared' })
    const headers = {
      authorization: `Bearer ${TEST_KEY}`,
      'content-type': 'application/json',
      'idempotency-key': 'shared-key',
    }
    const first = await request(`${a.url}/v1/messages`, { method: 'POST', headers, body })
    const firstBody = await first.body.json()
    const second = await request(`${b.url}/v1/messages`, { method: 'POST', headers, body })
    expect(first.statusCode).toBe(201)
    expect(second.statusCode).toBe(201)
    expect(second.headers['idempotent-replayed']).toBe('true')
    expect(await second.body.json()).toEqual(firstBody)
    expect(b.sandbox!.batchbook.simulator.stats.count('POST /service/communications.xml')).toBe(0)
  })
})

describe('a gateway whose Redis is unreachable', () => {
  it('alone, keeps serving on its local budget, says degraded, and refuses idempotent writes', async () => {
    const gw = await gateway('redis://127.0.0.1:1', testPrefix(), 1)
    const list = await getJson(`${gw.url}/v1/messages?source=batchbook&limit=2`)
    expect(list.status).toBe(200)
    expect(await getJson(`${gw.url}/readyz`, {})).toMatchObject({
      status: 200,
      body: { status: 'degraded', redis: 'unreachable', budget: 'local-fallback' },
    })
    const res = await request(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', 'idempotency-key': 'k' },
      body: JSON.stringify({ source: 'batchbook', kind: 'note', body: 'x' }),
    })
    expect(res.statusCode).toBe(503)
    expect(await res.body.json()).toMatchObject({ code: 'store_unavailable' })
    expect(gw.sandbox!.batchbook.simulator.stats.count('POST /service/communications.xml')).toBe(0)
  })

  it('with other replicas and no slot of its own, makes no upstream call', async () => {
    const gw = await gateway('redis://127.0.0.1:1')
    const list = await getJson(`${gw.url}/v1/messages?source=batchbook&limit=2`)
    expect(list).toMatchObject({ status: 429, body: { code: 'rate_limited' } })
    expect(gw.sandbox!.batchbook.simulator.stats.requests).toBe(0)
  })
})
