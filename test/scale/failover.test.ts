/**
 * Two gateways on one PostgreSQL and one Redis, at BatchBook's documented one call a second:
 * the one holding the sync lease is killed with SIGKILL in the middle of the backfill, and is
 * not started again. The survivor takes the lease over once it expires and continues the
 * backfill from its checkpoint, and takes the dead gateway's time slots of the budget over
 * once they have been free for `SWITCHBOARD_FAILOVER_MS`: it answers BatchBook writes within
 * 2 × `SYNC_LEASE_MS` of the kill, and never exceeds the limit.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call } from '../helpers/messages.js'
import { type GatewayProcess, spawnGateway } from '../helpers/processes.js'
import { waitForSync } from '../helpers/replica.js'
import { REDIS_URL, testPrefix } from '../helpers/redis.js'
import {
  type SimulatedUpstreams,
  backfillOffsets,
  gatewayEnv,
  startSimulatedUpstreams,
} from '../helpers/simulated-upstreams.js'
import { DATABASE_URL, type TestDatabase, testDatabase } from '../helpers/stores.js'

const LEASE_MS = 10_000
const FAILOVER_MS = 5_000
let upstreams: SimulatedUpstreams
let store: TestDatabase
let gateways: GatewayProcess[] = []

beforeAll(async () => {
  // Pages of 10 at one a second: a backfill of about forty seconds, long enough to be cut.
  upstreams = await startSimulatedUpstreams({ volume: { communications: 360 }, maxPageSize: 10 })
  store = testDatabase('postgres')
}, 30_000)
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop('SIGKILL')))
  await upstreams.close()
  await store.drop()
})

async function leaseHolder(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: DATABASE_URL })
  await client.connect()
  try {
    const { rows } = await client.query<{ holder: string }>(
      `SELECT holder FROM "${store.config.databaseSchema}".sync_leases WHERE connection = 'crm'`,
    )
    return rows[0]?.holder
  } finally {
    await client.end()
  }
}

describe('the sync holder killed during the backfill', () => {
  it('leaves the survivor syncing and writing within two lease times, never over the limit', async () => {
    const env = gatewayEnv(upstreams, store, {
      REDIS_URL,
      REDIS_KEY_PREFIX: testPrefix(),
      SWITCHBOARD_REPLICAS: '2',
      SYNC_LEASE_MS: String(LEASE_MS),
      SWITCHBOARD_FAILOVER_MS: String(FAILOVER_MS),
    })
    gateways = [spawnGateway(env), spawnGateway(env)]
    const urls = await Promise.all(gateways.map((g) => g.url))
    while (backfillOffsets(upstreams.batchbook).length < 8) await new Promise((r) => setTimeout(r, 100))
    // The holder is named `host:pid:random`.
    const holder = await leaseHolder()
    const victim = gateways.findIndex((g) => holder?.split(':')[1] === String(g.child.pid))
    expect(victim).toBeGreaterThanOrEqual(0)
    const survivor = urls[1 - victim] as string
    await gateways[victim]?.stop('SIGKILL')
    const killedAt = Date.now()
    const readAtKill = backfillOffsets(upstreams.batchbook).length

    // A BatchBook write through the survivor, tried until it is written.
    let writtenAfterMs = -1
    for (let i = 0; writtenAfterMs < 0; i++) {
      const created = await call('POST', `${survivor}/v1/messages`, {
        source: 'batchbook',
        kind: 'note',
        subject: `after the failover ${i}`,
        body: 'the survivor writes',
      })
      if (created.status === 201) writtenAfterMs = Date.now() - killedAt
      else expect(created.status).toBe(429)
      expect(Date.now() - killedAt).toBeLessThan(2 * LEASE_MS)
      if (writtenAfterMs < 0) await new Promise((r) => setTimeout(r, 500))
    }

    const status = await waitForSync(survivor, 'crm', (s) => s.backfilledAt !== null, 90_000)
    // One line for the run's record (CI's log keeps it).
    console.log(
      `sync holder killed after ${readAtKill} backfill pages: the survivor wrote to BatchBook ${writtenAfterMs} ms after, ` +
        `finished the backfill ${Date.now() - killedAt} ms after`,
    )
    expect(status.records.messages).toBe(upstreams.batchbook.store.listCommunications().length)
    const offsets = backfillOffsets(upstreams.batchbook)
    expect(offsets.length).toBeGreaterThan(readAtKill)
    // Continued from the checkpoint: the first page was read once.
    expect(offsets.filter((o) => o === 0)).toHaveLength(1)
    expect((await leaseHolder())?.split(':')[1]).toBe(String(gateways[1 - victim]?.child.pid))
    expect(upstreams.batchbook.stats.limitViolations).toBe(0)
  }, 150_000)
})
