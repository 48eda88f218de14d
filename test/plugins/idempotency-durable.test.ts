/**
 * Without Redis, Idempotency-Key records live in the store: the write is marked there before it
 * leaves, so a gateway that dies with it out leaves a record that says so, and a retry is
 * answered `409 idempotency_outcome_unknown` without writing again. (A whole process killed
 * and restarted: test/scale/restart.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { FAST_LIMITS, TEST_KEY, type RunningGateway, startGateway, testConfig } from '../helpers/gateway.js'
import { until } from '../helpers/replica.js'
import { type TestDatabase, testDatabase } from '../helpers/stores.js'

let gw: RunningGateway
let store: TestDatabase
const bb = () => gw.sandbox!.batchbook.simulator
const creates = () => bb().stats.count('POST /service/communications.xml')

async function post(key: string) {
  const res = await request(`${gw.url}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ source: 'batchbook', kind: 'note', subject: 'Durable', body: 'once only' }),
  })
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> }
}

const row = (key: string) =>
  gw.app.store!.db.db.selectFrom('idempotency_keys').selectAll().where('key', 'like', `%|${key}`).executeTakeFirst()

beforeAll(async () => {
  store = testDatabase('sqlite')
  gw = await startGateway({ withSandbox: true, limits: FAST_LIMITS, config: testConfig({ store: store.config }) })
})
afterAll(async () => {
  await gw.close()
  await store.drop()
})

describe('Idempotency-Key records in the store', () => {
  it('marks the write before it leaves, and keeps the answer', async () => {
    bb().faults.inject({ type: 'latency', ms: 1_500, method: 'POST', pathPrefix: '/service/communications.xml' })
    const answer = post('durable-1')
    await until(async () => (await row('durable-1'))?.state === 'writing', 1_400, 'the mark', gw.clock)
    expect((await answer).status).toBe(201)
    expect((await row('durable-1'))?.state).toBe('completed')
  })

  it('answers a retry of a write whose gateway died with it out 409, and writes nothing', async () => {
    bb().faults.inject({ type: 'latency', ms: 2_000, method: 'POST', pathPrefix: '/service/communications.xml' })
    const before = creates()
    const first = post('durable-2')
    await until(async () => (await row('durable-2'))?.state === 'writing', 1_900, 'the mark', gw.clock)
    // The gateway that sent it "dies": its claim is now another (dead) process's.
    await gw.app
      .store!.db.db.updateTable('idempotency_keys')
      .set({ holder: 'a-process-gone|request' })
      .where('key', 'like', '%|durable-2')
      .execute()
    const retry = await post('durable-2')
    expect(retry.status).toBe(409)
    expect(retry.body).toMatchObject({ code: 'idempotency_outcome_unknown' })
    expect(String(retry.body.detail)).toMatch(/may or may not have been made/)
    await first
    expect(creates()).toBe(before + 1)
  })
})
