/**
 * Records deleted upstream leave the replica, each with its deletion event: a BatchBook record
 * read by id (the upstream's 404) at once, one whose participants were still to be read when
 * the fill reaches it, any other at the next reconcile walk (at a cadence that follows from
 * the reconcile's budget share); a Snappy ticket deleted after it was closed (in no queue any
 * more) when its turn to be rechecked comes. Both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Conversation } from '../../src/schemas/conversation.js'
import type { Message } from '../../src/schemas/message.js'
import { encodeId } from '../../src/ids.js'
import { type RunningGateway, startGateway } from '../helpers/gateway.js'
import { call } from '../helpers/messages.js'
import { until, waitForSync, walkMessages } from '../helpers/replica.js'
import {
  type SimulatedUpstreams,
  configOver,
  inProcess,
  startSimulatedUpstreams,
} from '../helpers/simulated-upstreams.js'
import { STORE_KINDS, type TestDatabase, testDatabase } from '../helpers/stores.js'

const LIMITS = { batchbook: { max: 20, windowMs: 1_000 }, snappy: { max: 600, windowMs: 60_000 } }

type Events = { data: Array<{ type: string; data: { object: { id: string } } }>; resumeCursor: string }

describe.each(STORE_KINDS)('records deleted upstream, on %s', (kind) => {
  let upstreams: SimulatedUpstreams
  let store: TestDatabase
  let gateway: RunningGateway

  beforeAll(async () => {
    upstreams = await startSimulatedUpstreams({
      virtual: true,
      volume: { communications: 300 },
      limits: LIMITS,
      snappy: true,
    })
    store = testDatabase(kind, { pollMs: { batchbook: 500, snappy: 500 }, reconcileMs: null, reconcileShare: 0.1 })
    gateway = await startGateway({ config: configOver(upstreams, store), ...inProcess(upstreams) })
    await waitForSync(gateway.url, 'crm', (s) => s.backfilledAt !== null, 60_000)
    await waitForSync(gateway.url, 'help', (s) => s.backfilledAt !== null, 60_000)
  }, 90_000)
  afterAll(async () => {
    await gateway.close()
    await upstreams.close()
    await store.drop()
  })

  const bb = () => upstreams.batchbook
  const messageId = (remoteId: number) =>
    encodeId('message', { source: 'batchbook', connection: 'crm', parts: [String(remoteId)] })
  const deletions = async (id: string) => {
    const events = await call<Events>(
      'GET',
      `${gateway.url}/v1/events?limit=100&types=message.deleted,conversation.deleted`,
    )
    let page = events.body
    const all = [...page.data]
    while (page.data.length === 100) {
      page = (await call<Events>('GET', `${gateway.url}/v1/events?limit=100&cursor=${page.resumeCursor}`)).body
      all.push(...page.data)
    }
    return all.filter((e) => e.data.object.id === id)
  }
  const inTimeline = async (id: string) =>
    (await walkMessages(gateway.url, '/v1/messages?connection=crm&limit=100')).some((m) => m.id === id)

  it('forgets a record whose participants are still to be read when the fill reaches it', async () => {
    // The fill goes newest first: the oldest record is the last it reaches.
    const oldest = bb().store.listCommunications().at(-1)
    if (oldest === undefined) throw new Error('no communications')
    const id = messageId(oldest.id)
    bb().store.deleteCommunication(oldest.id)
    await waitForSync(gateway.url, 'crm', (s) => s.participantsComplete, 60_000)
    expect(await inTimeline(id)).toBe(false)
    expect(await deletions(id)).toHaveLength(1)
    // Asked once: the 404 removed it, rather than failing the step and asking again.
    const asked = bb().stats.recent.filter((r) => r.url.startsWith(`/service/communications/${oldest.id}/participants`))
    expect(asked.length).toBeLessThanOrEqual(1)
  }, 70_000)

  it('forgets a record at once when a read by id finds it gone', async () => {
    const [target] = bb().store.listCommunications()
    if (target === undefined) throw new Error('no communications')
    const id = messageId(target.id)
    bb().store.deleteCommunication(target.id)
    const read = await call('GET', `${gateway.url}/v1/messages/${id}`, undefined, { 'cache-control': 'no-cache' })
    expect(read.status).toBe(404)
    expect(await inTimeline(id)).toBe(false)
    expect(await deletions(id)).toHaveLength(1)
    // Read again, it is no longer the replica's: one more upstream read, never a second event.
    expect((await call('GET', `${gateway.url}/v1/messages/${id}`)).status).toBe(404)
    expect(await deletions(id)).toHaveLength(1)
  })

  it('finds any other deletion at the next reconcile walk, and reports the walks', async () => {
    const target = bb().store.listCommunications()[5]
    if (target === undefined) throw new Error('no communications')
    const id = messageId(target.id)
    bb().store.deleteCommunication(target.id)
    await until(async () => !(await inTimeline(id)), 30_000, 'the reconcile walk', gateway.clock)
    expect(await deletions(id)).toHaveLength(1)
    const status = await waitForSync(gateway.url, 'crm', (s) => s.reconcile.lastAt !== null, 5_000)
    // The record the fill found gone, and this one (the one a client's read found gone is not the sync's).
    expect(status.reconcile.deletionsFound).toBeGreaterThanOrEqual(2)
    expect(status.reconcile.nextAt).not.toBeNull()
  }, 40_000)

  it('forgets a Snappy ticket deleted after it was closed, when it is rechecked', async () => {
    const queue = await call<{ data: Conversation[] }>('GET', `${gateway.url}/v1/conversations?limit=1`)
    const conversation = queue.body.data[0] as Conversation
    const ticket = Number(conversation.remoteId)
    upstreams.snappy?.store.tickets.closeTicket(ticket)
    const inQueue = async () =>
      (await call<{ data: Conversation[] }>('GET', `${gateway.url}/v1/conversations?limit=100`)).body.data.some(
        (c) => c.id === conversation.id,
      )
    await until(async () => !(await inQueue()), 20_000, 'the ticket leaving the queues', gateway.clock)
    await upstreams.snappy?.store.tickets.deleteTicket(ticket)
    await until(
      async () => (await call('GET', `${gateway.url}/v1/conversations/${conversation.id}`)).status === 404,
      30_000,
      'the recheck',
      gateway.clock,
    )
    expect(await deletions(conversation.id)).toHaveLength(1)
    const left = await call<{ data: Message[] }>('GET', `${gateway.url}/v1/messages?conversation=${conversation.id}`)
    expect(left.body.data).toHaveLength(0)
  }, 60_000)
})
