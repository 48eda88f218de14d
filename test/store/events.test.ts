/**
 * The event log and the webhook outbox, on both stores: events in one order with their
 * deliveries, the feed's visibility rules, retention, claims that two replicas never share,
 * a record's deliveries one at a time in order, and retries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendEvents } from '../../src/store/events.js'
import { type Store, openStore } from '../../src/store/index.js'
import { retryDelay } from '../../src/webhooks/delivery.js'
import { STORE_KINDS, type TestDatabase, testDatabase } from '../helpers/stores.js'

describe.each(STORE_KINDS)('the event log on %s', (kind) => {
  let database: TestDatabase
  let store: Store
  let other: Store

  beforeAll(async () => {
    database = testDatabase(kind)
    store = await openStore(database.config)
    // A second connection pool on the same database, as another replica has.
    other = kind === 'postgres' ? await openStore(database.config) : store
    for (const id of ['we_aaaaaaaaaaaaaaaa', 'we_bbbbbbbbbbbbbbbb']) {
      await store.webhooks.create({
        id,
        keyName: id === 'we_aaaaaaaaaaaaaaaa' ? 'all' : 'help-only',
        url: 'https://hooks.example.com/',
        description: null,
        eventTypes: ['*'],
        connections: id === 'we_aaaaaaaaaaaaaaaa' ? null : ['help'],
        secret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0',
      })
    }
    await store.db.db.transaction().execute(async (trx) => {
      await appendEvents(trx, store.db, [
        { type: 'message.created', connection: 'crm', recordId: 'msg_1', origin: 'sync', object: { id: 'msg_1' } },
        {
          type: 'message.updated',
          connection: 'crm',
          recordId: 'msg_1',
          origin: 'switchboard',
          object: { id: 'msg_1' },
        },
        {
          type: 'conversation.created',
          connection: 'help',
          recordId: 'conv_1',
          origin: 'sync',
          object: { id: 'conv_1' },
        },
        { type: 'message.created', connection: 'crm', recordId: 'msg_2', origin: 'sync', object: { id: 'msg_2' } },
      ])
    })
  })
  afterAll(async () => {
    if (other !== store) await other.close()
    await store.close()
    await database.drop()
  })

  it('lists events in the order they were recorded, resumable after any of them', async () => {
    const all = await store.events.list({ afterSeq: 0, connections: ['crm', 'help'], keyName: 'all', limit: 10 })
    expect(all.map((e) => e.event.type)).toEqual([
      'message.created',
      'message.updated',
      'conversation.created',
      'message.created',
    ])
    const rest = await store.events.list({
      afterSeq: all[1]?.seq ?? 0,
      connections: ['crm', 'help'],
      keyName: 'all',
      limit: 10,
    })
    expect(rest.map((e) => e.event.data.object)).toEqual([{ id: 'conv_1' }, { id: 'msg_2' }])
  })

  it('shows only the connections asked for, and types asked for', async () => {
    const help = await store.events.list({ afterSeq: 0, connections: ['help'], keyName: 'help-only', limit: 10 })
    expect(help.map((e) => e.event.connection)).toEqual(['help'])
    const none = await store.events.list({ afterSeq: 0, connections: [], keyName: 'nobody', limit: 10 })
    expect(none).toEqual([])
    const typed = await store.events.list({
      afterSeq: 0,
      connections: ['crm', 'help'],
      keyName: 'all',
      types: ['message.updated'],
      limit: 10,
    })
    expect(typed).toHaveLength(1)
  })

  it('queues a delivery per endpoint that wants the event', async () => {
    const stats = await store.webhooks.stats()
    // Four events for the endpoint of every connection, one for the Snappy-only one.
    expect(stats.pending).toBe(5)
  })

  it('lets two replicas claim different deliveries, and a record’s one at a time, oldest first', async () => {
    const [a, b] = await Promise.all([store.webhooks.claim('a', 10, 60_000), other.webhooks.claim('b', 10, 60_000)])
    const claimed = [...a, ...b]
    const ids = claimed.map((d) => d.id)
    expect(new Set(ids).size).toBe(ids.length)
    // msg_1 has two pending events: only its first is claimable while that one is pending.
    const msg1 = claimed.filter((d) => d.event.data.object && (d.event.data.object as { id: string }).id === 'msg_1')
    expect(msg1.map((d) => d.event.type)).toEqual(['message.created'])
    expect(claimed).toHaveLength(4)
    // Claimed ones are leased: nothing more to claim now.
    expect(await store.webhooks.claim('c', 10, 60_000)).toEqual([])

    const first = msg1[0]
    if (first === undefined) throw new Error('no claim')
    await store.webhooks.settle(
      first,
      {
        attemptedAt: new Date().toISOString(),
        statusCode: 500,
        error: 'answered 500',
        durationMs: 3,
        succeeded: false,
      },
      { status: 'pending', retryAt: Date.now() - 1 },
    )
    const retried = await store.webhooks.claim('c', 10, 60_000)
    expect(retried.map((d) => [d.event.type, d.attempts])).toEqual([['message.created', 1]])
    await store.webhooks.settle(
      retried[0] as (typeof retried)[number],
      { attemptedAt: new Date().toISOString(), statusCode: 204, error: null, durationMs: 3, succeeded: true },
      { status: 'succeeded' },
    )
    const next = await store.webhooks.claim('c', 10, 60_000)
    expect(next.map((d) => d.event.type)).toEqual(['message.updated'])
    const attempts = await store.webhooks.attempts('we_aaaaaaaaaaaaaaaa', null, 10)
    expect(attempts.map((x) => x.succeeded)).toEqual([true, false])
  })

  it('disables an endpoint that gave up, and says so with an event for its key', async () => {
    await store.db.db
      .transaction()
      .execute((trx) =>
        appendEvents(trx, store.db, [
          { type: 'message.created', connection: 'crm', recordId: 'msg_9', origin: 'sync', object: { id: 'msg_9' } },
        ]),
      )
    const claim = (await store.webhooks.claim('d', 10, 60_000)).find(
      (d) => (d.event.data.object as { id: string }).id === 'msg_9',
    )
    if (claim === undefined) throw new Error('nothing to claim')
    await store.webhooks.settle(
      claim,
      { attemptedAt: new Date().toISOString(), statusCode: null, error: 'refused', durationMs: 1, succeeded: false },
      { status: 'failed', reason: 'deliveries failed for 3 days' },
    )
    const endpoint = await store.webhooks.get(claim.endpoint.id, claim.endpoint.keyName)
    expect(endpoint?.status).toBe('disabled')
    const events = await store.events.list({
      afterSeq: 0,
      connections: [],
      keyName: claim.endpoint.keyName,
      limit: 10,
    })
    expect(events.map((e) => e.event.type)).toEqual(['webhook_endpoint.disabled'])
  })

  it('forgets events past retention, and says from where', async () => {
    const latest = await store.events.latestSeq()
    await store.events.prune(new Date(Date.now() + 1_000).toISOString())
    expect(await store.events.prunedThrough()).toBe(latest)
    expect(await store.events.list({ afterSeq: 0, connections: ['crm', 'help'], keyName: 'all', limit: 10 })).toEqual(
      [],
    )
  })
})

describe('the retry delay', () => {
  it('doubles from the base, half of it jittered, and never exceeds ten hours', () => {
    expect(retryDelay(1, 1000, () => 0)).toBe(500)
    expect(retryDelay(1, 1000, () => 1)).toBe(1000)
    expect(retryDelay(4, 1000, () => 1)).toBe(8000)
    expect(retryDelay(40, 1000, () => 1)).toBe(36_000_000)
  })
})
