/**
 * Three gateway processes on one PostgreSQL (and one Redis for the budgets), at the
 * documented limits: one of them syncs each connection (the backfill reads each page once),
 * the simulators count no limit violation, and every replica answers reads from the replica.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Message } from '../../src/schemas/message.js'
import { call } from '../helpers/messages.js'
import { type GatewayProcess, spawnGateway } from '../helpers/processes.js'
import { waitForSync, walkMessages } from '../helpers/replica.js'
import {
  type SimulatedUpstreams,
  backfillOffsets,
  gatewayEnv,
  startSimulatedUpstreams,
  threeReplicas,
} from '../helpers/simulated-upstreams.js'
import { DATABASE_URL, type TestDatabase, testDatabase } from '../helpers/stores.js'

const COMMUNICATIONS = 100
let upstreams: SimulatedUpstreams
let store: TestDatabase
let gateways: GatewayProcess[] = []
let urls: string[] = []

beforeAll(async () => {
  upstreams = await startSimulatedUpstreams({ volume: { communications: COMMUNICATIONS, tickets: 40 }, snappy: true })
  store = testDatabase('postgres')
  const env = gatewayEnv(upstreams, store, threeReplicas())
  gateways = [1, 2, 3].map(() => spawnGateway(env))
  urls = await Promise.all(gateways.map((g) => g.url))
}, 60_000)

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()))
  await upstreams.close()
  await store.drop()
})

describe('three replicas on one PostgreSQL', () => {
  it('sync each connection once, within the limits, and all serve reads from the replica', async () => {
    const [first] = urls as [string]
    await waitForSync(first, 'crm', (s) => s.backfilledAt !== null, 90_000)
    await waitForSync(first, 'help', (s) => s.backfilledAt !== null, 90_000)

    const offsets = backfillOffsets(upstreams.batchbook)
    expect(
      offsets.filter((o) => o === 0),
      JSON.stringify(offsets),
    ).toHaveLength(1)
    expect(new Set(offsets).size).toBe(offsets.length)

    const client = new pg.Client({ connectionString: DATABASE_URL })
    await client.connect()
    const leases = await client.query<{ connection: string; holder: string }>(
      `SELECT connection, holder FROM "${store.config.databaseSchema}".sync_leases ORDER BY connection`,
    )
    await client.end()
    expect(leases.rows.map((r) => r.connection)).toEqual(['crm', 'help'])

    const before = upstreams.batchbook.stats.requests + (upstreams.snappy?.stats.requests ?? 0)
    const walks = await Promise.all(urls.map((url) => walkMessages(url, '/v1/messages?limit=100')))
    for (const walk of walks) {
      expect(walk.map((m: Message) => m.id)).toEqual(walks[0]?.map((m: Message) => m.id))
      expect(walk.filter((m) => m.source === 'batchbook')).toHaveLength(COMMUNICATIONS)
    }
    const after = upstreams.batchbook.stats.requests + (upstreams.snappy?.stats.requests ?? 0)
    // The syncer may poll meanwhile; the walks of three replicas add nothing.
    expect(after - before).toBeLessThan(10)
    for (const url of urls) {
      const page = await call('GET', `${url}/v1/messages?limit=1`)
      expect(page.headers['x-data-age']).toBeDefined()
    }
    expect(upstreams.batchbook.stats.limitViolations).toBe(0)
    expect(upstreams.snappy?.stats.limitViolations).toBe(0)
  }, 150_000)

  it('shows a write made through one replica on the others at once', async () => {
    const [a, b, c] = urls as [string, string, string]
    const created = await call<Message>('POST', `${a}/v1/messages`, {
      source: 'batchbook',
      connection: 'crm',
      kind: 'note',
      subject: 'Seen everywhere quasar',
      body: 'Written on one replica.',
    })
    expect(created.status).toBe(201)
    for (const url of [b, c]) {
      const found = await call<{ data: Message[] }>('GET', `${url}/v1/messages?q=quasar`)
      expect(found.body.data.map((m) => m.id)).toEqual([created.body.id])
    }
  }, 30_000)
})
