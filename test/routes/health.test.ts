import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getJson, startGateway, testConfig, type RunningGateway } from '../helpers/gateway.js'

let gw: RunningGateway

beforeAll(async () => {
  const config = testConfig()
  gw = await startGateway({
    withSandbox: true,
    config: { ...config, breaker: { failureThreshold: 1, cooldownMs: 60_000 } },
  })
})
afterAll(async () => gw.close())

describe('health routes', () => {
  it('answers /healthz without a key', async () => {
    expect(await getJson(`${gw.url}/healthz`, {})).toMatchObject({ status: 200, body: { status: 'ok' } })
  })

  it('refuses parameters it does not take', async () => {
    expect(await getJson(`${gw.url}/healthz?verbose=1`, {})).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    })
  })

  it('is ready while some circuit is closed', async () => {
    expect(await getJson(`${gw.url}/readyz`, {})).toMatchObject({
      status: 200,
      body: {
        status: 'ready',
        connections: [
          { name: 'batchbook', circuit: 'closed' },
          { name: 'snappy', circuit: 'closed' },
        ],
      },
    })
  })

  it('lists the sources as every list, with a null nextCursor', async () => {
    const sources = await getJson(`${gw.url}/v1/sources`)
    expect(sources.status).toBe(200)
    expect(Object.keys(sources.body ?? {}).sort()).toEqual(['data', 'nextCursor'])
    expect(sources.body?.nextCursor).toBeNull()
  })

  it('answers 503 once every circuit is open, and /v1/sources shows the open circuit', async () => {
    for (const adapter of gw.app.upstreams.all()) adapter.engine.breaker.failure()
    expect(await getJson(`${gw.url}/readyz`, {})).toMatchObject({ status: 503, body: { status: 'unavailable' } })
    const sources = await getJson(`${gw.url}/v1/sources`)
    expect((sources.body?.data as Array<{ circuit: unknown }>)[0]?.circuit).toEqual({
      state: 'open',
      consecutiveFailures: 1,
    })
    const res = await getJson(`${gw.url}/v1/messages?source=batchbook`)
    expect(res).toMatchObject({ status: 503, body: { code: 'circuit_open', upstream: { source: 'batchbook' } } })
    expect(res.headers['retry-after']).toBeDefined()
  })
})
