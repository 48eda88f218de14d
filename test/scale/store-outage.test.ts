/**
 * Two gateway processes on one PostgreSQL (a server of the test's own) and one Redis, at the
 * documented limits, with reads and writes all along, through a 30 s PostgreSQL crash (the
 * postmaster killed, then started again on its data) and a 30 s partition (a proxy holding
 * every connection open and forwarding nothing). Nothing may exit, no request may wait 15 s,
 * and afterwards every write answered 2xx has exactly one event and one webhook delivery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { TEST_KEY } from '../helpers/gateway.js'
import { call } from '../helpers/messages.js'
import { type OwnPostgres, startOwnPostgres } from '../helpers/own-postgres.js'
import { type GatewayProcess, spawnGateway } from '../helpers/processes.js'
import { until, waitForSync } from '../helpers/replica.js'
import { REDIS_URL, testPrefix } from '../helpers/redis.js'
import { type SimulatedUpstreams, gatewayEnv, startSimulatedUpstreams } from '../helpers/simulated-upstreams.js'
import { testDatabase } from '../helpers/stores.js'
import { type TcpProxy, startTcpProxy } from '../helpers/tcp-proxy.js'
import { type WebhookReceiver, startWebhookReceiver } from '../helpers/webhook-receiver.js'

const OUTAGE_MS = 30_000
const SETTLE_MS = 10_000
const MAX_ANSWER_MS = 15_000

let postgres: OwnPostgres
let proxy: TcpProxy
let upstreams: SimulatedUpstreams
let receiver: WebhookReceiver
let gateways: GatewayProcess[] = []
let urls: string[] = []
const store = testDatabase('postgres')

beforeAll(async () => {
  postgres = await startOwnPostgres()
  const target = new URL(postgres.url)
  proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(target.port) })
  upstreams = await startSimulatedUpstreams({ volume: { communications: 60 } })
  receiver = await startWebhookReceiver()
  const database = new URL(postgres.url)
  database.port = String(proxy.port)
  const env = gatewayEnv(upstreams, store, {
    DATABASE_URL: database.toString(),
    DATABASE_SCHEMA: 'public',
    REDIS_URL,
    REDIS_KEY_PREFIX: testPrefix(),
    SWITCHBOARD_REPLICAS: '2',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  })
  gateways = [spawnGateway(env), spawnGateway(env)]
  urls = await Promise.all(gateways.map((g) => g.url))
  await waitForSync(urls[0] as string, 'crm', (s) => s.backfilledAt !== null, 60_000)
}, 120_000)

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop('SIGKILL')))
  await receiver.close()
  await upstreams.close()
  await proxy.close()
  await postgres.close()
  await store.drop()
})

interface Outcome {
  kind: 'read' | 'write'
  status: number
  code?: string
  ms: number
  id?: string
}

async function send(url: string, kind: Outcome['kind'], n: number): Promise<Outcome> {
  const started = Date.now()
  const res = await request(`${url}/v1/messages${kind === 'read' ? '?connection=crm&limit=5' : ''}`, {
    method: kind === 'read' ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${TEST_KEY}`,
      ...(kind === 'write' ? { 'content-type': 'application/json', 'idempotency-key': `outage-${n}` } : {}),
    },
    ...(kind === 'write'
      ? { body: JSON.stringify({ source: 'batchbook', kind: 'note', subject: `outage ${n}`, body: 'written' }) }
      : {}),
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  })
  const body = (await res.body.json()) as { id?: string; code?: string }
  // A 202 (accepted, its read-back still waiting for budget) names the record in `Location`.
  const id = body.id ?? (typeof res.headers.location === 'string' ? res.headers.location.split('/').at(-1) : undefined)
  return { kind, status: res.statusCode, code: body.code, ms: Date.now() - started, id }
}

/** Reads and writes through both gateways for `ms`, with `fault` running in the middle of it. */
async function drive(ms: number, fault: () => Promise<void>): Promise<Outcome[]> {
  const outcomes: Array<Promise<Outcome>> = []
  const end = Date.now() + ms
  let n = 0
  const faulting = fault()
  while (Date.now() < end) {
    const url = urls[n % 2] as string
    outcomes.push(send(url, 'read', n))
    if (n % 10 === 0) outcomes.push(send(url, 'write', Date.now()))
    n++
    for (const g of gateways) expect(g.child.exitCode, g.output().slice(-2_000)).toBeNull()
    await new Promise((r) => setTimeout(r, 300))
  }
  await faulting
  return Promise.all(outcomes)
}

function check(outcomes: Outcome[], what: string): void {
  const slowest = Math.max(...outcomes.map((o) => o.ms))
  const statuses: Record<string, number> = {}
  for (const o of outcomes)
    statuses[`${o.kind} ${o.code ?? o.status}`] = (statuses[`${o.kind} ${o.code ?? o.status}`] ?? 0) + 1
  // One line for the run's record (CI's log keeps it).
  console.log(`${what}: ${JSON.stringify(statuses)}, slowest answer ${slowest} ms`)
  expect(slowest).toBeLessThan(MAX_ANSWER_MS)
  for (const o of outcomes) {
    // Reads: from the replica or the upstream (budget permitting); writes: to the upstream.
    const fine = [200, 201, 202, 429].includes(o.status) || o.code === 'store_unavailable'
    expect(fine, JSON.stringify(o)).toBe(true)
  }
  for (const g of gateways) expect(g.child.exitCode).toBeNull()
}

/** The records of the writes the upstream accepted (201, or 202 with its `Location`). */
function accepted(outcomes: Outcome[]): string[] {
  return outcomes.filter((o) => o.kind === 'write' && (o.status === 201 || o.status === 202)).map((o) => o.id as string)
}

async function expectOneEventAndDeliveryEach(written: string[]): Promise<void> {
  const url = urls[0] as string
  await until(
    async () =>
      (await call('GET', `${url}/readyz`)).body.store === 'ok' &&
      (await call('GET', `${urls[1]}/readyz`)).body.store === 'ok',
    60_000,
    'the store back on both gateways',
  )
  const events: Array<{ id: string; data: { object: { id: string } } }> = []
  let cursor = ''
  for (;;) {
    const page = await call<{ data: typeof events; resumeCursor: string; hasMore: boolean }>(
      'GET',
      `${url}/v1/events?types=message.created&limit=100${cursor === '' ? '' : `&cursor=${cursor}`}`,
    )
    events.push(...page.body.data)
    cursor = page.body.resumeCursor
    if (!page.body.hasMore) break
  }
  for (const id of written)
    expect(
      events.filter((e) => e.data.object.id === id),
      id,
    ).toHaveLength(1)
  await until(
    () => written.every((id) => receiver.unique().some((r) => r.recordId === id)),
    60_000,
    'a delivery of each',
  )
  for (const id of written)
    expect(
      receiver.unique().filter((r) => r.recordId === id),
      id,
    ).toHaveLength(1)
}

describe('two gateways on PostgreSQL', () => {
  it('serve through a 30 s crash of PostgreSQL, and record every write made meanwhile once', async () => {
    const endpoint = await call<{ secret: string }>('POST', `${urls[0]}/v1/webhook-endpoints`, {
      url: receiver.url,
      eventTypes: ['message.created'],
    })
    receiver.secret = endpoint.body.secret
    const outcomes = await drive(SETTLE_MS + OUTAGE_MS + SETTLE_MS, async () => {
      await new Promise((r) => setTimeout(r, SETTLE_MS))
      await postgres.crash()
      await new Promise((r) => setTimeout(r, OUTAGE_MS))
      await postgres.start()
    })
    check(outcomes, 'PostgreSQL crashed for 30 s')
    const written = accepted(outcomes)
    expect(written.length).toBeGreaterThan(5)
    await expectOneEventAndDeliveryEach(written)
    expect(upstreams.batchbook.stats.limitViolations).toBe(0)
  }, 240_000)

  it('serve through a 30 s partition from PostgreSQL, and record every write made meanwhile once', async () => {
    const outcomes = await drive(SETTLE_MS + OUTAGE_MS + SETTLE_MS, async () => {
      await new Promise((r) => setTimeout(r, SETTLE_MS))
      proxy.hold()
      await new Promise((r) => setTimeout(r, OUTAGE_MS))
      proxy.restore()
    })
    check(outcomes, 'PostgreSQL partitioned for 30 s')
    const written = accepted(outcomes)
    expect(written.length).toBeGreaterThan(5)
    await expectOneEventAndDeliveryEach(written)
    expect(upstreams.batchbook.stats.limitViolations).toBe(0)
  }, 240_000)
})
