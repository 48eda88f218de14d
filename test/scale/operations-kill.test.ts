/**
 * A gateway SIGKILLed with operations queued and one running (its upstream create out, held
 * by the upstream), then started again on the same store: the queued ones complete, the
 * running one is `unknown` and never sent again, and nothing is written twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import type { Operation } from '../../src/schemas/operation.js'
import { TEST_KEY } from '../helpers/gateway.js'
import { type GatewayProcess, spawnGateway } from '../helpers/processes.js'
import { type SimulatedUpstreams, gatewayEnv, startSimulatedUpstreams } from '../helpers/simulated-upstreams.js'
import { type TestDatabase, testDatabase } from '../helpers/stores.js'

let upstreams: SimulatedUpstreams
let store: TestDatabase
const running: GatewayProcess[] = []

beforeAll(async () => {
  upstreams = await startSimulatedUpstreams({ volume: { communications: 20 } })
  store = testDatabase('sqlite')
})
afterAll(async () => {
  await Promise.all(running.map((g) => g.stop('SIGKILL')))
  await upstreams.close()
  await store.drop()
})

function start(): GatewayProcess {
  const gateway = spawnGateway(gatewayEnv(upstreams, store))
  running.push(gateway)
  return gateway
}

async function api<T>(url: string, method: string, path: string, body?: unknown, headers = {}) {
  const res = await request(`${url}${path}`, {
    method: method as 'GET',
    headers: {
      authorization: `Bearer ${TEST_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.statusCode, body: (await res.body.json()) as T }
}

/** Creates the upstream received (attempts, whether or not it completed them). */
const creates = () =>
  upstreams.batchbook.stats.recent.filter((r) => r.method === 'POST' && r.url.startsWith('/service/communications.xml'))
    .length

describe('a gateway killed with operations queued and one running', () => {
  it('completes the queued ones after a restart, leaves the running one unknown, writes nothing twice', async () => {
    const first = start()
    const url = await first.url
    // The first create is held by the upstream long enough to be out when the gateway dies.
    upstreams.batchbook.faults.inject({
      type: 'latency',
      ms: 10_000,
      method: 'POST',
      pathPrefix: '/service/communications.xml',
      times: 1,
    })
    const subjects = Array.from({ length: 5 }, (_, i) => `killed-queue-${i}`)
    const ids: string[] = []
    for (const subject of subjects) {
      const queued = await api<Operation>(
        url,
        'POST',
        '/v1/messages',
        { source: 'batchbook', kind: 'note', subject, body: 'written once or never' },
        { prefer: 'respond-async' },
      )
      expect(queued.status).toBe(202)
      ids.push(queued.body.id)
    }
    // The first is running, its create out at the upstream; the rest wait behind it.
    for (let i = 0; ; i++) {
      const op = await api<Operation>(url, 'GET', `/v1/operations/${ids[0]}`)
      if (op.body.state === 'running' && creates() === 1) break
      expect(i).toBeLessThan(200)
      await new Promise((r) => setTimeout(r, 50))
    }
    await first.stop('SIGKILL')
    upstreams.batchbook.faults.clear()
    expect(creates()).toBe(1)

    const second = start()
    const restarted = await second.url
    let final: Operation[] = []
    for (let i = 0; ; i++) {
      final = await Promise.all(
        ids.map(async (id) => (await api<Operation>(restarted, 'GET', `/v1/operations/${id}`)).body),
      )
      if (final.every((o) => o.state !== 'queued' && o.state !== 'running')) break
      expect(i, JSON.stringify(final.map((o) => o.state))).toBeLessThan(600)
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(final.map((o) => o.state)).toEqual(['unknown', 'succeeded', 'succeeded', 'succeeded', 'succeeded'])
    expect(final[0]?.resolution).toMatch(/may or may not have reached crm/)
    // The unknown one was not sent again: one create at the kill, one for each queued one after.
    expect(creates()).toBe(5)
    const written = upstreams.batchbook.store.listCommunications()
    for (const subject of subjects.slice(1)) expect(written.filter((c) => c.subject === subject)).toHaveLength(1)
    expect(written.filter((c) => c.subject === subjects[0]).length).toBeLessThanOrEqual(1)
    expect(upstreams.batchbook.stats.limitViolations).toBe(0)
    // The takeover was said in the log.
    expect(second.output()).toMatch(/operations left running by a stopped gateway are now unknown/)
  }, 120_000)
})
