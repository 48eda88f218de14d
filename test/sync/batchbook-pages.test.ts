/**
 * BatchBook documents pages of 10 and a `limit` without a maximum. The sync asks for 100 and
 * keeps what the upstream honours: the whole backfill is read whichever it is, each record
 * once, and `/v1/sources` says which page size is in use; `SYNC_BATCHBOOK_PAGE_SIZE` fixes it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { type RunningGateway, startGateway } from '../helpers/gateway.js'
import { waitForSync, walkMessages } from '../helpers/replica.js'
import {
  type SimulatedUpstreams,
  backfillOffsets,
  configOver,
  inProcess,
  startSimulatedUpstreams,
} from '../helpers/simulated-upstreams.js'
import { type TestDatabase, testDatabase } from '../helpers/stores.js'

const COMMUNICATIONS = 230
const FAST = { batchbook: { max: 50, windowMs: 1_000 } }

let upstreams: SimulatedUpstreams | undefined
let store: TestDatabase | undefined
let gateway: RunningGateway | undefined

afterEach(async () => {
  await gateway?.close()
  await upstreams?.close()
  await store?.drop()
})

async function backfill(maxPageSize: number | undefined, pageSize: number | null = null) {
  upstreams = await startSimulatedUpstreams({
    virtual: true,
    volume: { communications: COMMUNICATIONS },
    limits: FAST,
    ...(maxPageSize === undefined ? {} : { maxPageSize }),
  })
  store = testDatabase('sqlite', { batchbookPageSize: pageSize })
  gateway = await startGateway({ config: configOver(upstreams, store), ...inProcess(upstreams) })
  const status = await waitForSync(gateway.url, 'crm', (s) => s.backfilledAt !== null, 60_000)
  const walked = await walkMessages(gateway.url, '/v1/messages?limit=100')
  return { status, walked, total: upstreams.batchbook.store.listCommunications().length, sim: upstreams.batchbook }
}

describe('the BatchBook page size', () => {
  it('is 100 where the upstream honours it', async () => {
    const { status, walked, total, sim } = await backfill(undefined)
    expect(status.pageSize).toBe(100)
    expect(walked).toHaveLength(total)
    expect(backfillOffsets(sim)).toEqual([0, 100, 200])
  })

  it('falls back to 10 where the upstream ignores `limit`, reading every record once', async () => {
    const { status, walked, total, sim } = await backfill(10)
    expect(status.pageSize).toBe(10)
    expect(new Set(walked.map((m) => m.id)).size).toBe(total)
    const offsets = backfillOffsets(sim)
    expect(offsets).toEqual(
      Array.from({ length: Math.ceil(total / 10) + (total % 10 === 0 ? 1 : 0) }, (_, i) => i * 10),
    )
  })

  it('is the upstream’s own cap where it gives fewer than asked', async () => {
    const { status, walked, total } = await backfill(40)
    expect(status.pageSize).toBe(40)
    expect(walked).toHaveLength(total)
  })

  it('is what SYNC_BATCHBOOK_PAGE_SIZE says when set', async () => {
    const { status, walked, total, sim } = await backfill(undefined, 25)
    expect(status.pageSize).toBe(25)
    expect(walked).toHaveLength(total)
    expect(backfillOffsets(sim).slice(0, 3)).toEqual([0, 25, 50])
  })
})
