/**
 * One gateway on its embedded store (no Redis), killed with SIGKILL and started again:
 *
 * - in the middle of a burst of writes sent with `Idempotency-Key`s: every key, retried until
 *   it gets a final answer, writes at most once (a write that was out at the kill is answered
 *   `409 idempotency_outcome_unknown`, never sent again);
 * - in the middle of the backfill: the restart takes its predecessor's sync lease at once
 *   (it is the only gateway) instead of waiting for it to expire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { TEST_KEY } from '../helpers/gateway.js'
import { type GatewayProcess, spawnGateway } from '../helpers/processes.js'
import { waitForSync } from '../helpers/replica.js'
import {
  type SimulatedUpstreams,
  backfillOffsets,
  gatewayEnv,
  startSimulatedUpstreams,
} from '../helpers/simulated-upstreams.js'
import { type TestDatabase, testDatabase } from '../helpers/stores.js'

let upstreams: SimulatedUpstreams
let store: TestDatabase
const running: GatewayProcess[] = []

beforeAll(async () => {
  // Pages of 10 (an upstream that ignores `limit`), so the backfill lasts long enough to be cut.
  upstreams = await startSimulatedUpstreams({
    volume: { communications: 400 },
    limits: { batchbook: { max: 4, windowMs: 1_000 } },
    maxPageSize: 10,
  })
  store = testDatabase('sqlite')
})
afterAll(async () => {
  await Promise.all(running.map((g) => g.stop('SIGKILL')))
  await upstreams.close()
  await store.drop()
})

function start(): GatewayProcess {
  const gateway = spawnGateway(gatewayEnv(upstreams, store, { RATE_LIMIT_MAX_WAIT_MS: '60000' }))
  running.push(gateway)
  return gateway
}

async function create(url: string, key: string) {
  const res = await request(`${url}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ source: 'batchbook', kind: 'note', subject: key, body: 'written once or never' }),
  })
  const body = (await res.body.json()) as { code?: string }
  return { status: res.statusCode, code: body.code }
}

describe('a single gateway killed and started again', () => {
  it('takes its own sync lease back at once when killed during the backfill', async () => {
    const first = start()
    await first.url
    while (backfillOffsets(upstreams.batchbook).length < 4) await new Promise((r) => setTimeout(r, 50))
    await first.stop('SIGKILL')
    const before = backfillOffsets(upstreams.batchbook).length
    const second = start()
    await second.url
    const restarted = Date.now()
    while (backfillOffsets(upstreams.batchbook).length === before) {
      // The lease it left lasts SYNC_LEASE_MS (30 s): the restart does not wait for it.
      expect(Date.now() - restarted).toBeLessThan(5_000)
      await new Promise((r) => setTimeout(r, 50))
    }
  }, 60_000)

  it('never writes twice for an Idempotency-Key retried after the kill', async () => {
    const url = await (running.at(-1) as GatewayProcess).url
    // Every create waits for the upstream long enough that several are out at the kill.
    upstreams.batchbook.faults.inject({
      type: 'latency',
      ms: 1_500,
      method: 'POST',
      pathPrefix: '/service/communications.xml',
      times: 1_000,
    })
    const keys = Array.from({ length: 12 }, (_, i) => `burst-${i}`)
    const burst = keys.map((key) => create(url, key).catch(() => ({ status: 0, code: undefined })))
    await new Promise((r) => setTimeout(r, 2_500))
    await (running.at(-1) as GatewayProcess).stop('SIGKILL')
    await Promise.all(burst)
    upstreams.batchbook.faults.clear()

    const again = start()
    const restartedUrl = await again.url
    const final: Record<string, { status: number; code: string | undefined }> = {}
    for (const key of keys) {
      for (let attempt = 0; ; attempt++) {
        const answer = await create(restartedUrl, key)
        if (answer.status !== 429 && answer.code !== 'idempotency_key_in_use') {
          final[key] = answer
          break
        }
        expect(attempt).toBeLessThan(60)
        await new Promise((r) => setTimeout(r, 500))
      }
    }
    const written = upstreams.batchbook.store.listCommunications()
    for (const key of keys) {
      const copies = written.filter((c) => c.subject === key).length
      expect(copies, `${key}: ${JSON.stringify(final[key])}`).toBeLessThanOrEqual(1)
      if (final[key]?.status === 201) expect(copies).toBe(1)
      else expect(final[key]).toMatchObject({ status: 409, code: 'idempotency_outcome_unknown' })
    }
    // Some were out at the kill (the point of the test), and the rest were written after it.
    expect(Object.values(final).some((a) => a.code === 'idempotency_outcome_unknown')).toBe(true)
    await waitForSync(restartedUrl, 'crm', (s) => s.backfilledAt !== null, 120_000)
    expect(upstreams.batchbook.stats.limitViolations).toBe(0)
  }, 180_000)
})
