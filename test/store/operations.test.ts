/**
 * The operation queue on both stores: bounds counted in the enqueue's transaction, a queue
 * taken in order (one held back for a retry holds back those behind it), cancelling only
 * what still waits, abandoned runs made `unknown` with their events, a known outcome recorded
 * even after that, and the depths `/v1/sources` shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Store, openStore } from '../../src/store/index.js'
import type { NewOperation } from '../../src/store/operations.js'
import { STORE_KINDS, type TestDatabase, testDatabase } from '../helpers/stores.js'

const view = (op: { id: string; state: string }) => ({ id: op.id, state: op.state })

function input(connection: string, keyName: string, i: number): NewOperation {
  return { connection, keyName, method: 'POST', path: '/v1/messages', body: { i }, traceparent: null }
}

describe.each(STORE_KINDS)('the operation queue on %s', (kind) => {
  let database: TestDatabase
  let store: Store

  beforeAll(async () => {
    database = testDatabase(kind)
    store = await openStore(database.config)
  })
  afterAll(async () => {
    await store.close()
    await database.drop()
  })

  async function enqueue(connection: string, keyName: string, i: number, bounds = { perKey: 100, perConnection: 100 }) {
    const result = await store.operations.enqueue(input(connection, keyName, i), bounds)
    if (!('queued' in result)) throw new Error(`full: ${result.full}`)
    return result.queued
  }

  it('refuses past the key’s bound, then past the connection’s, counting what waits or runs', async () => {
    const bounds = { perKey: 2, perConnection: 3 }
    await enqueue('b1', 'k1', 0, bounds)
    await enqueue('b1', 'k1', 1, bounds)
    expect(await store.operations.enqueue(input('b1', 'k1', 2), bounds)).toEqual({ full: 'key' })
    await enqueue('b1', 'k2', 3, bounds)
    expect(await store.operations.enqueue(input('b1', 'k3', 4), bounds)).toEqual({ full: 'connection' })
    // Concurrent enqueues never overshoot the bound.
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        store.operations.enqueue(input('b2', `c${i}`, i), { perKey: 10, perConnection: 4 }),
      ),
    )
    expect(results.filter((r) => 'queued' in r)).toHaveLength(4)
  })

  it('hands out a queue in order, holding back the rest while its head waits for a retry', async () => {
    const [a, b] = [await enqueue('q', 'k', 0), await enqueue('q', 'k', 1)]
    const first = await store.operations.claimNext('q', 'g1')
    expect(first).toMatchObject({ id: a.id, state: 'running', attempts: 1 })
    await store.operations.retryLater(a.id, store.clock.now() + 60_000)
    expect(await store.operations.claimNext('q', 'g1')).toBe('wait')
    expect(await store.operations.nextDue('q')).toBeGreaterThan(store.clock.now())
    expect((await store.operations.get(b.id, 'k'))?.state).toBe('queued')
    expect(await store.operations.ahead(b)).toEqual({ queued: 1, running: 0 })
  })

  it('cancels only what is still queued, and only for its own key', async () => {
    const op = await enqueue('c', 'k', 0)
    expect(await store.operations.cancel(op.id, 'other')).toBeUndefined()
    expect((await store.operations.cancel(op.id, 'k'))?.state).toBe('canceled')
    const running = await enqueue('c', 'k', 1)
    await store.operations.claimNext('c', 'g1')
    expect((await store.operations.cancel(running.id, 'k'))?.state).toBe('running')
  })

  it('makes what another gateway was running unknown, with its event; a known outcome still lands', async () => {
    const op = await enqueue('u', 'k', 0)
    await store.operations.claimNext('u', 'dead-gateway')
    expect(await store.operations.abandon('u', 'g2', view)).toBe(1)
    expect((await store.operations.get(op.id, 'k'))?.state).toBe('unknown')
    // Its own gateway was alive after all and learned the answer: the answer wins.
    const finished = await store.operations.finish(
      op.id,
      { status: 201, result: { id: 'm' }, location: '/x', calls: 3 },
      'succeeded',
      view,
    )
    expect(finished).toMatchObject({ state: 'succeeded', status: 201, result: { id: 'm' }, calls: 3 })
    const events = await store.events.list({ afterSeq: 0, connections: ['u'], keyName: 'k', limit: 10 })
    expect(events.map((e) => [e.event.type, e.event.connection])).toEqual([
      ['operation.unknown', 'u'],
      ['operation.succeeded', 'u'],
    ])
    // A finished one is not finished again.
    expect(
      await store.operations.finish(op.id, { status: 500, result: null, location: null, calls: 0 }, 'failed', view),
    ).toBeUndefined()
  })

  it('reports each queue’s depth and its oldest wait, and lists newest first with filters', async () => {
    const depths = await store.operations.depths()
    expect(depths.get('q')).toMatchObject({ queued: 2, running: 0 })
    expect(depths.get('c')).toMatchObject({ queued: 0, running: 1 })
    expect(depths.get('u')).toBeUndefined()
    const queued = await store.operations.list({
      keyName: 'k',
      connections: ['q'],
      states: ['queued'],
      beforeSeq: null,
      limit: 1,
    })
    expect(queued).toHaveLength(2)
    expect(queued[0]?.seq).toBeGreaterThan(queued[1]?.seq as number)
    const older = await store.operations.list({
      keyName: 'k',
      connections: ['q'],
      states: null,
      beforeSeq: queued[0]?.seq as number,
      limit: 5,
    })
    expect(older.map((o) => o.id)).toEqual([queued[1]?.id])
  })
})
