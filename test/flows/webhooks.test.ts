/**
 * The change feed and webhooks, end to end at the documented limits: a scripted run of writes
 * through Switchboard and changes made at the simulators reaches a receiver that verifies
 * every delivery with the `standardwebhooks` package, each event exactly once after
 * deduplication by `webhook-id`, in the feed's order; a key limited to one connection sees
 * neither events nor webhooks of another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Conversation } from '../../src/schemas/conversation.js'
import type { Message } from '../../src/schemas/message.js'
import { type RunningGateway, SCOPED_KEY, startGateway, testConfig } from '../helpers/gateway.js'
import { call } from '../helpers/messages.js'
import { until, waitForSync } from '../helpers/replica.js'
import { type TestDatabase, testDatabase } from '../helpers/stores.js'
import { type WebhookReceiver, startWebhookReceiver } from '../helpers/webhook-receiver.js'
import { request } from 'undici'

type Feed = {
  data: Array<{ id: string; type: string; connection: string | null; origin: string; data: { object: { id: string } } }>
  resumeCursor: string
  hasMore: boolean
}

async function scoped<T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await request(url, {
    method: method as 'GET',
    headers: {
      authorization: `Bearer ${SCOPED_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.body.text()
  return { status: res.statusCode, body: (text === '' ? undefined : JSON.parse(text)) as T }
}

let store: TestDatabase
let gw: RunningGateway
let receiver: WebhookReceiver
let scopedReceiver: WebhookReceiver

beforeAll(async () => {
  store = testDatabase('sqlite', { pollMs: { batchbook: 2_000, snappy: 2_000 } })
  const config = testConfig({ store: store.config })
  config.events.webhooks.allowPrivateNetworks = true
  gw = await startGateway({ config, withSandbox: true })
  receiver = await startWebhookReceiver(gw.app.clock)
  scopedReceiver = await startWebhookReceiver(gw.app.clock)
  await waitForSync(gw.url, 'batchbook', (s) => s.backfilledAt !== null, 60_000)
  await waitForSync(gw.url, 'snappy', (s) => s.backfilledAt !== null, 60_000)
}, 90_000)

afterAll(async () => {
  await gw.close()
  await receiver.close()
  await scopedReceiver.close()
  await store.drop()
})

describe('events and webhooks', () => {
  let feedStart: string

  it('creates endpoints whose secret is shown once, and refuses connections the key may not use', async () => {
    feedStart = (await call<Feed>('GET', `${gw.url}/v1/events?limit=100`)).body.resumeCursor
    const created = await call<{ id: string; secret: string }>('POST', `${gw.url}/v1/webhook-endpoints`, {
      url: receiver.url,
      description: 'everything',
    })
    expect(created.status).toBe(201)
    expect(created.body.secret).toMatch(/^whsec_/)
    receiver.secret = created.body.secret
    const read = await call<Record<string, unknown>>('GET', `${gw.url}/v1/webhook-endpoints/${created.body.id}`)
    expect(read.body).not.toHaveProperty('secret')

    const refused = await scoped<{ code: string }>('POST', `${gw.url}/v1/webhook-endpoints`, {
      url: scopedReceiver.url,
      connections: ['batchbook'],
    })
    expect(refused.status).toBe(403)
    const mine = await scoped<{ id: string; secret: string }>('POST', `${gw.url}/v1/webhook-endpoints`, {
      url: scopedReceiver.url,
    })
    expect(mine.status).toBe(201)
    scopedReceiver.secret = mine.body.secret
    // Another key's endpoint is not found.
    expect((await scoped('GET', `${gw.url}/v1/webhook-endpoints/${created.body.id}`)).status).toBe(404)
  })

  it('delivers every event of a scripted run once, signed, in the feed’s order', async () => {
    const bb = gw.sandbox!.batchbook.simulator
    const sn = gw.sandbox!.snappy.simulator
    // Writes through Switchboard.
    const created = await call<Message>('POST', `${gw.url}/v1/messages`, {
      source: 'batchbook',
      kind: 'email',
      subject: 'Webhook run',
      body: 'Written through.',
    })
    expect(created.status).toBe(201)
    // Written through: the replica answers with it at once, at the documented limits too.
    const found = await call<{ data: Message[] }>('GET', `${gw.url}/v1/messages?source=batchbook&q=webhook%20run`)
    expect(found.body.data.map((m) => m.id)).toContain(created.body.id)
    await call('PATCH', `${gw.url}/v1/messages/${created.body.id}`, { subject: 'Webhook run, edited' })
    await call('PUT', `${gw.url}/v1/messages/${created.body.id}/tags/hooked`)
    expect((await call('DELETE', `${gw.url}/v1/messages/${created.body.id}`)).status).toBe(204)
    // Changes made at the simulators, found by the sync.
    const [communication] = bb.store.listCommunications()
    bb.store.updateCommunication(communication?.id ?? 0, { subject: 'Changed at the upstream' })
    const queue = await call<{ data: Conversation[] }>('GET', `${gw.url}/v1/conversations?limit=1`)
    const ticket = queue.body.data[0] as Conversation
    sn.store.tickets.addNote({ ticketId: Number(ticket.remoteId), content: 'A customer writes again.' })

    const expected = [
      { type: 'message.created', recordId: created.body.id, origin: 'switchboard' },
      { type: 'message.updated', recordId: created.body.id, origin: 'switchboard' },
      { type: 'message.deleted', recordId: created.body.id, origin: 'switchboard' },
      { type: 'message.updated', connection: 'batchbook', origin: 'sync' },
      { type: 'message.created', connection: 'snappy', origin: 'sync' },
      { type: 'conversation.updated', recordId: ticket.id, origin: 'sync' },
    ]
    await until(
      () =>
        expected.every((e) =>
          receiver.unique().some((r) => Object.entries(e).every(([k, v]) => r[k as keyof typeof r] === v)),
        ),
      20_000,
      'every expected event at the receiver',
      gw.clock,
    )
    expect(receiver.received.every((r) => r.verified)).toBe(true)

    // The feed holds the same events in the same order; the receiver got each once per id.
    await until(
      async () => {
        const feed = await call<Feed>('GET', `${gw.url}/v1/events?limit=100&cursor=${feedStart}`)
        const ids = feed.body.data.map((e) => e.id)
        return ids.every((id) => receiver.unique().some((r) => r.id === id))
      },
      20_000,
      'every feed event delivered',
      gw.clock,
    )
    const feed = await call<Feed>('GET', `${gw.url}/v1/events?limit=100&cursor=${feedStart}`)
    const perRecord = (ids: string[], recordOf: (id: string) => string) => {
      const byRecord = new Map<string, string[]>()
      for (const id of ids) byRecord.set(recordOf(id), [...(byRecord.get(recordOf(id)) ?? []), id])
      return byRecord
    }
    const recordOf = (id: string) => feed.body.data.find((e) => e.id === id)?.data.object.id ?? ''
    const delivered = receiver
      .unique()
      .map((r) => r.id)
      .filter((id) => feed.body.data.some((e) => e.id === id))
    // Each record's events arrive in the feed's order.
    expect(perRecord(delivered, recordOf)).toEqual(
      perRecord(
        feed.body.data.map((e) => e.id),
        recordOf,
      ),
    )
  }, 60_000)

  it('never shows a key events of a connection it may not use', async () => {
    const feed = await scoped<Feed>('GET', `${gw.url}/v1/events?limit=100`)
    expect(feed.status).toBe(200)
    expect(feed.body.data.length).toBeGreaterThan(0)
    expect(feed.body.data.every((e) => e.connection === 'snappy')).toBe(true)
    expect((await scoped('GET', `${gw.url}/v1/events?connection=batchbook`)).status).toBe(403)
    await until(() => scopedReceiver.unique().length > 0, 10_000, 'the scoped receiver got its events', gw.clock)
    expect(scopedReceiver.received.every((r) => r.connection === 'snappy' && r.verified)).toBe(true)
  }, 20_000)

  it('filters the feed by type and resumes from a cursor', async () => {
    const deleted = await call<Feed>('GET', `${gw.url}/v1/events?types=message.deleted&limit=100`)
    expect(deleted.body.data.length).toBeGreaterThan(0)
    expect(deleted.body.data.every((e) => e.type === 'message.deleted')).toBe(true)
    const end = await call<Feed>(
      'GET',
      `${gw.url}/v1/events?limit=100&cursor=${deleted.body.resumeCursor}&types=message.deleted`,
    )
    expect(end.body.data).toEqual([])
    expect(end.body.resumeCursor).toBe(deleted.body.resumeCursor)
  })

  it('lists the attempts and replays from a point in the log with the original ids', async () => {
    const endpoints = await call<{ data: Array<{ id: string }> }>('GET', `${gw.url}/v1/webhook-endpoints`)
    const id = endpoints.body.data[0]?.id as string
    const attempts = await call<{ data: Array<{ succeeded: boolean; statusCode: number }> }>(
      'GET',
      `${gw.url}/v1/webhook-endpoints/${id}/attempts?limit=5`,
    )
    expect(attempts.body.data.length).toBeGreaterThan(0)
    expect(attempts.body.data[0], JSON.stringify(attempts.body.data[0])).toMatchObject({
      succeeded: true,
      statusCode: 204,
    })
    const before = receiver.received.length
    const replay = await call<{ queued: number }>('POST', `${gw.url}/v1/webhook-endpoints/${id}/replay`, {
      cursor: feedStart,
    })
    expect(replay.status).toBe(202)
    expect(replay.body.queued).toBeGreaterThan(0)
    // Replayed deliveries carry the ids the receiver already had (new events may arrive meanwhile).
    const earlier = new Set(receiver.received.slice(0, before).map((r) => r.id))
    const replayed = () => receiver.received.slice(before).filter((r) => earlier.has(r.id)).length
    await until(() => replayed() >= replay.body.queued, 20_000, 'the replay delivered', gw.clock)
  }, 30_000)

  it('answers an expired cursor with 410, and rotates a secret', async () => {
    await gw.app.store!.events.prune(new Date(Date.now() + 1000).toISOString())
    const expired = await call<{ code: string }>('GET', `${gw.url}/v1/events?cursor=${feedStart}`)
    expect(expired.status).toBe(410)
    expect(expired.body.code).toBe('cursor_expired')
    const endpoints = await call<{ data: Array<{ id: string }> }>('GET', `${gw.url}/v1/webhook-endpoints`)
    const id = endpoints.body.data[0]?.id as string
    const rotated = await call<{ secret: string }>('POST', `${gw.url}/v1/webhook-endpoints/${id}/rotate-secret`)
    expect(rotated.body.secret).not.toBe(receiver.secret)
  })
})
