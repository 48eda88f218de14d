/**
 * A sync that fails is seen where operators look: the first failed step after a success logs
 * one line at `error` (not one per retry), `/v1/sources` and the metric say `failing`, and once
 * it has failed for several poll intervals `/readyz` answers `degraded` (still 200: the gateway
 * still serves) with the reason; when the upstream recovers, so does all of it.
 */
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningGateway, startGateway } from '../helpers/gateway.js'
import { until, waitForSync } from '../helpers/replica.js'
import {
  type SimulatedUpstreams,
  configOver,
  inProcess,
  startSimulatedUpstreams,
} from '../helpers/simulated-upstreams.js'
import { type TestDatabase, testDatabase } from '../helpers/stores.js'

const POLL_MS = 300

describe('a failing sync', () => {
  let upstreams: SimulatedUpstreams
  let store: TestDatabase
  let gateway: RunningGateway
  let lines = ''

  beforeAll(async () => {
    upstreams = await startSimulatedUpstreams({ virtual: true, limits: { batchbook: { max: 50, windowMs: 1_000 } } })
    store = testDatabase('sqlite', { pollMs: { batchbook: POLL_MS, snappy: 60_000 } })
    const log = new PassThrough()
    log.on('data', (chunk: Buffer) => (lines += chunk.toString()))
    gateway = await startGateway({
      config: { ...configOver(upstreams, store), logLevel: 'info' },
      logStream: log,
      ...inProcess(upstreams),
    })
    await waitForSync(gateway.url, 'crm', (s) => s.state === 'live', 30_000)
  }, 40_000)
  afterAll(async () => {
    await gateway.close()
    await upstreams.close()
    await store.drop()
  })

  const readiness = async () => (await gateway.app.inject({ url: '/readyz' })).json()

  it('logs one error, says failing, and makes /readyz degraded after a few intervals', async () => {
    expect(await readiness()).toMatchObject({ status: 'ready', connections: [{ name: 'crm', sync: 'ok' }] })
    upstreams.batchbook.faults.inject({
      type: 'status',
      status: 422,
      pathPrefix: '/service/communications.xml',
      times: 10_000,
    })
    const failing = await waitForSync(gateway.url, 'crm', (s) => s.state === 'failing', 10_000)
    expect(failing.failingSince).not.toBeNull()
    await until(async () => (await readiness()).status === 'degraded', 10_000, '/readyz degraded', gateway.clock)
    const ready = await gateway.app.inject({ url: '/readyz' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toMatchObject({
      status: 'degraded',
      reasons: ['the sync of crm has been failing for several poll intervals'],
      connections: [{ name: 'crm', sync: 'failing' }],
    })
    const metrics = (await gateway.app.inject({ url: '/metrics' })).body
    expect(metrics).toContain('switchboard_sync_state{connection="crm",state="failing"} 1')
    // Several failed steps, one error line.
    await new Promise((r) => setTimeout(r, 3 * POLL_MS))
    const errors = lines.split('\n').filter((l) => l.includes('"level":50') && l.includes('replica sync is failing'))
    expect(errors).toHaveLength(1)
  }, 30_000)

  it('recovers when the upstream does', async () => {
    upstreams.batchbook.faults.clear()
    await waitForSync(gateway.url, 'crm', (s) => s.state === 'live' && s.failingSince === null, 70_000)
    expect(await readiness()).toMatchObject({ status: 'ready', connections: [{ name: 'crm', sync: 'ok' }] })
    expect(lines).toContain('replica sync recovered')
  }, 80_000)
})
