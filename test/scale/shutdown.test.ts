/**
 * SIGTERM under load: requests in flight when the signal arrives all complete, and the
 * process exits cleanly within its bound.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { type GatewayProcess, spawnGateway, waitForOutput } from '../helpers/processes.js'

let gateway: GatewayProcess | undefined
afterAll(async () => {
  await gateway?.stop('SIGKILL')
})

describe('graceful shutdown', () => {
  it('finishes every in-flight request after SIGTERM, then exits 0', async () => {
    gateway = spawnGateway({ LOG_LEVEL: 'info' })
    const url = await gateway.url
    const key = (await waitForOutput(gateway, /API key: +(\S+)/))[1] as string
    const simulator = (await waitForOutput(gateway, /BatchBook simulator: +(\S+)/))[1] as string
    // Every upstream answer now takes a second: requests stay in flight while we stop.
    await request(`${simulator}/__sandbox/latency`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"ms":1000}' }).then((r) => r.body.dump())

    const inFlight = Array.from({ length: 40 }, (_, i) =>
      request(`${url}/v1/messages?source=batchbook&limit=${(i % 3) + 1}`, { headers: { authorization: `Bearer ${key}` } }).then(async (res) => {
        await res.body.dump()
        return res.statusCode
      }),
    )
    await new Promise((r) => setTimeout(r, 300))
    const exit = gateway.stop('SIGTERM')
    const statuses = await Promise.all(inFlight)
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([])
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0)
    expect(await exit).toBe(0)
    expect(gateway.output()).toContain('shutting down')
  }, 30_000)
})
