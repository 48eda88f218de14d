/**
 * The change feed's retention runs on its own, on a gateway that delivers no webhooks too:
 * over virtual days, events older than the retention leave the log hourly and newer ones stay.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { EventRetention } from '../../src/events/retention.js'
import { appendEvents } from '../../src/store/events.js'
import { type Store, openStore } from '../../src/store/index.js'
import { testDatabase } from '../helpers/stores.js'
import { VirtualClock } from '../helpers/virtual-clock.js'

const DAY_MS = 86_400_000

async function append(store: Store, recordId: string): Promise<void> {
  await store.db.db
    .transaction()
    .execute((trx) =>
      appendEvents(trx, store.db, [
        { type: 'message.created', connection: 'crm', recordId, origin: 'sync', object: { id: recordId } },
      ]),
    )
}

async function recordIds(store: Store): Promise<string[]> {
  const rows = await store.db.db.selectFrom('events').select('record_id').orderBy('seq').execute()
  return rows.map((r) => r.record_id)
}

describe('event retention', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('removes events older than the retention within the hour, and only those', async () => {
    const clock = new VirtualClock()
    const database = testDatabase('sqlite')
    const store = await openStore(database.config, { clock })
    const errors: unknown[] = []
    const retention = new EventRetention({ store, retentionMs: 2 * DAY_MS, onError: (err) => errors.push(err) })
    cleanups.push(
      () => database.drop(),
      () => store.close(),
      () => retention.stop(),
    )
    await append(store, 'msg_old')
    retention.start()
    await clock.advance(DAY_MS)
    await append(store, 'msg_newer')
    await clock.advance(DAY_MS + 30 * 60_000)
    expect(await recordIds(store)).toEqual(['msg_old', 'msg_newer'])
    // Two days and an hour after the first event, it is gone; the one a day younger stays.
    await clock.advance(60 * 60_000)
    expect(await recordIds(store)).toEqual(['msg_newer'])
    expect(await store.events.prunedThrough()).toBeGreaterThan(0)
    await clock.advance(DAY_MS + 60 * 60_000)
    expect(await recordIds(store)).toEqual([])
    expect(errors).toEqual([])
  })

  it('stops at once when asked, mid-wait', async () => {
    const clock = new VirtualClock()
    const database = testDatabase('sqlite')
    const store = await openStore(database.config, { clock })
    cleanups.push(
      () => database.drop(),
      () => store.close(),
    )
    const retention = new EventRetention({ store, retentionMs: DAY_MS, onError: () => undefined })
    retention.start()
    await clock.advance(10 * 60_000)
    await retention.stop()
    expect(clock.pending).toBe(0)
  })
})
