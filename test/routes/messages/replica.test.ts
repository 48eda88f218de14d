/**
 * Message routes over the synced replica: reads from the store once the backfill is done (and
 * the upstream path until then), writes through to the store at once, `Cache-Control:
 * no-cache` reads the upstream, and search needs the replica. Faster BatchBook limits: these
 * tests are about what is read and written, not about the budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeId } from '../../../src/ids.js'
import type { Conversation } from '../../../src/schemas/conversation.js'
import type { Message } from '../../../src/schemas/message.js'
import { FAST_LIMITS, type RunningGateway, TEST_KEY, startGateway, testConfig } from '../../helpers/gateway.js'
import { call } from '../../helpers/messages.js'
import { waitForSync, walkMessages } from '../../helpers/replica.js'
import { type TestDatabase, testDatabase } from '../../helpers/stores.js'
import { request } from 'undici'

type Page = { data: Message[]; nextCursor: string | null }
const WCL_MAILBOX = encodeId('mailbox', { source: 'snappy', connection: 'snappy', parts: ['3249', '3642'] })

describe('before the backfill is done', () => {
  let store: TestDatabase
  let gw: RunningGateway
  beforeAll(async () => {
    store = testDatabase('sqlite')
    gw = await startGateway({
      config: testConfig({ store: store.config }),
      withSandbox: true,
      limits: FAST_LIMITS,
      sync: false,
    })
  })
  afterAll(async () => {
    await gw.close()
    await store.drop()
  })

  it('answers the timeline from the upstream, with data age 0', async () => {
    const page = await call<Page>('GET', `${gw.url}/v1/messages?source=batchbook&limit=5`)
    expect(page.status).toBe(200)
    expect(page.body.data).toHaveLength(5)
    expect(page.headers['x-data-age']).toBe('0')
  })

  it('refuses a search with 503 replica_not_ready and Retry-After, before any upstream call', async () => {
    const sim = gw.sandbox!.batchbook.simulator
    const before = sim.stats.requests
    const res = await call<{ code: string }>('GET', `${gw.url}/v1/messages?q=pricing`)
    expect(res.status).toBe(503)
    expect(res.body.code).toBe('replica_not_ready')
    expect(res.headers['retry-after']).toBe('30')
    expect(sim.stats.requests).toBe(before)
  })
})

describe('once the replica serves', () => {
  let store: TestDatabase
  let gw: RunningGateway
  const bb = () => gw.sandbox!.batchbook.simulator
  const sn = () => gw.sandbox!.snappy.simulator
  const upstreamCalls = () => bb().stats.requests + sn().stats.requests

  beforeAll(async () => {
    store = testDatabase('sqlite', { pollMs: { batchbook: 600_000, snappy: 600_000 } })
    gw = await startGateway({ config: testConfig({ store: store.config }), withSandbox: true, limits: FAST_LIMITS })
    await waitForSync(gw.url, 'batchbook', (s) => s.backfilledAt !== null, 60_000)
    await waitForSync(gw.url, 'snappy', (s) => s.backfilledAt !== null, 60_000)
  }, 90_000)
  afterAll(async () => {
    await gw.close()
    await store.drop()
  })

  it('walks the whole timeline of both sources without an upstream call', async () => {
    // Participants fill in behind the backfill: let them finish so the count is the walk's own.
    await waitForSync(gw.url, 'batchbook', (s) => s.participantsComplete, 60_000)
    const before = upstreamCalls()
    const all = await walkMessages(gw.url, '/v1/messages?limit=100')
    expect(upstreamCalls()).toBe(before)
    expect(new Set(all.map((m) => m.id)).size).toBe(all.length)
    expect(all.filter((m) => m.source === 'batchbook')).toHaveLength(bb().store.listCommunications().length)
    expect(all.some((m) => m.source === 'snappy')).toBe(true)
    const sentAt = all.map((m) => m.sentAt)
    expect([...sentAt].sort().reverse()).toEqual(sentAt)
  }, 70_000)

  it('neither skips nor repeats a message when one arrives between two pages', async () => {
    const path = '/v1/messages?source=batchbook&limit=5'
    const first = await call<Page>('GET', `${gw.url}${path}`)
    const created = await call<Message>('POST', `${gw.url}/v1/messages`, {
      source: 'batchbook',
      kind: 'note',
      subject: 'Arrived mid-walk',
      body: 'Between two pages.',
    })
    expect(created.status).toBe(201)
    const rest = await walkMessages(gw.url, path, first.body.nextCursor as string)
    const ids = [...first.body.data, ...rest].map((m) => m.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).not.toContain(created.body.id)
    expect(ids.length).toBe(bb().store.listCommunications().length - 1)
  })

  it('refuses a search given the cursor of an upstream walk with 400 invalid_cursor', async () => {
    // `include=remote` walks the upstream path even once the replica serves: its cursor is the upstream's.
    const upstreamPage = await call<Page>('GET', `${gw.url}/v1/messages?source=batchbook&limit=2&include=remote`)
    const cursor = upstreamPage.body.nextCursor as string
    const search = await call<{ code: string }>(
      'GET',
      `${gw.url}/v1/messages?q=pricing&cursor=${encodeURIComponent(cursor)}`,
    )
    expect(search.status).toBe(400)
    expect(search.body.code).toBe('invalid_cursor')
  })

  it('has a created message in the store at once: the next read finds it without the upstream', async () => {
    const created = await call<Message>('POST', `${gw.url}/v1/messages`, {
      source: 'batchbook',
      kind: 'email',
      subject: 'Quarterly zephyr review',
      body: 'Written through.',
    })
    const before = upstreamCalls()
    const found = await call<Page>('GET', `${gw.url}/v1/messages?q=zephyr`)
    expect(found.body.data.map((m) => m.id)).toEqual([created.body.id])
    expect(upstreamCalls()).toBe(before)
  })

  it('has an update and a deletion in the store at once', async () => {
    const created = await call<Message>('POST', `${gw.url}/v1/messages`, {
      source: 'batchbook',
      kind: 'email',
      subject: 'Before the edit',
      body: 'Text.',
    })
    await call('PATCH', `${gw.url}/v1/messages/${created.body.id}`, { subject: 'Marmalade edition' })
    expect((await call<Page>('GET', `${gw.url}/v1/messages?q=marmalade`)).body.data).toHaveLength(1)
    expect((await call('DELETE', `${gw.url}/v1/messages/${created.body.id}`)).status).toBe(204)
    expect((await call<Page>('GET', `${gw.url}/v1/messages?q=marmalade`)).body.data).toHaveLength(0)
  })

  it('has a tag and a comment written through in the stored message', async () => {
    const [first] = (await call<Page>('GET', `${gw.url}/v1/messages?source=batchbook&limit=1`)).body.data
    const id = (first as Message).id
    // The first read of a record whose participants were not synced yet reads them (one call).
    await call('GET', `${gw.url}/v1/messages/${id}`)
    await call('PUT', `${gw.url}/v1/messages/${id}/tags/written-through`)
    const comment = await call<{ id: string }>('POST', `${gw.url}/v1/messages/${id}/comments`, { body: 'Noted.' })
    expect(comment.status).toBe(201)
    const before = upstreamCalls()
    const stored = await call<Message>('GET', `${gw.url}/v1/messages/${id}`)
    expect(stored.body.tags).toContain('written-through')
    expect(stored.body.comments.map((c) => c.id)).toContain(comment.body.id)
    expect(upstreamCalls()).toBe(before)
  })

  it('answers a stored message and page as JSON equal to what the upstream path answers', async () => {
    await waitForSync(gw.url, 'batchbook', (s) => s.participantsComplete, 60_000)
    const page = await request(`${gw.url}/v1/messages?limit=3`, { headers: { authorization: `Bearer ${TEST_KEY}` } })
    expect(page.headers['content-type']).toBe('application/json; charset=utf-8')
    const listed = (await page.body.json()) as Page
    expect(Object.keys(listed).sort()).toEqual(['data', 'nextCursor'])
    for (const source of ['batchbook', 'snappy']) {
      // The oldest: no other test of this file changed it through the gateway.
      const stored = (await call<Page>('GET', `${gw.url}/v1/messages?source=${source}&limit=100`)).body.data.at(-1)
      const id = (stored as Message).id
      const fromStore = await request(`${gw.url}/v1/messages/${id}`, {
        headers: { authorization: `Bearer ${TEST_KEY}` },
      })
      expect(fromStore.headers['content-type']).toBe('application/json; charset=utf-8')
      const upstream = await request(`${gw.url}/v1/messages/${id}`, {
        headers: { authorization: `Bearer ${TEST_KEY}`, 'cache-control': 'no-cache' },
      })
      expect(upstream.headers['x-data-age']).toBe('0')
      expect(await fromStore.body.json()).toEqual(await upstream.body.json())
    }
  })

  it('reads the upstream on Cache-Control: no-cache, and keeps what it read', async () => {
    const [first] = (await call<Page>('GET', `${gw.url}/v1/messages?source=batchbook&limit=1`)).body.data
    const message = first as Message
    bb().store.updateCommunication(Number(message.remoteId), { subject: 'Changed upstream just now' })
    const cached = await call<Message>('GET', `${gw.url}/v1/messages/${message.id}`)
    expect(cached.body.subject).toBe(message.subject)
    const res = await request(`${gw.url}/v1/messages/${message.id}`, {
      headers: { authorization: `Bearer ${TEST_KEY}`, 'cache-control': 'no-cache' },
    })
    const fresh = (await res.body.json()) as Message
    expect(fresh.subject).toBe('Changed upstream just now')
    expect(res.headers['x-data-age']).toBe('0')
    const after = await call<Message>('GET', `${gw.url}/v1/messages/${message.id}`)
    expect(after.body.subject).toBe('Changed upstream just now')
  })

  it('starts a list on the upstream path on Cache-Control: no-cache', async () => {
    const before = upstreamCalls()
    const res = await request(`${gw.url}/v1/messages?source=batchbook&limit=5`, {
      headers: { authorization: `Bearer ${TEST_KEY}`, 'cache-control': 'no-cache' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['x-data-age']).toBe('0')
    expect(((await res.body.json()) as Page).data).toHaveLength(5)
    expect(upstreamCalls()).toBeGreaterThan(before)
  })

  it('serves a queue of conversations and the accounts from the replica', async () => {
    const before = upstreamCalls()
    const queue = await call<{ data: Conversation[] }>('GET', `${gw.url}/v1/conversations?limit=100`)
    expect(queue.status).toBe(200)
    expect(queue.body.data.length).toBeGreaterThan(0)
    const waits = queue.body.data.map((c) => c.lastReplyAt ?? '')
    expect([...waits].sort()).toEqual(waits)
    const accounts = await call<{ data: unknown[] }>('GET', `${gw.url}/v1/accounts`)
    expect(accounts.body.data.length).toBeGreaterThan(0)
    expect(upstreamCalls()).toBe(before)
    expect(queue.headers['x-data-age']).toBeDefined()
  })

  it('stays in rotation, degraded, while every circuit is open: reads come from the replica', async () => {
    for (const adapter of gw.app.upstreams.all()) {
      for (let i = 0; i < gw.app.config.breaker.failureThreshold; i++) adapter.engine.breaker.failure()
      expect(adapter.engine.breaker.state).toBe('open')
    }
    const ready = await call<{ status: string }>('GET', `${gw.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(ready.body.status).toBe('degraded')
    const page = await call<Page>('GET', `${gw.url}/v1/messages?limit=5`)
    expect(page.status).toBe(200)
    expect(page.body.data).toHaveLength(5)
    for (const adapter of gw.app.upstreams.all()) adapter.engine.breaker.success()
  })

  it('has a Snappy reply in the conversation’s stored messages at once', async () => {
    const queue = await call<{ data: Conversation[] }>('GET', `${gw.url}/v1/conversations?limit=1`)
    const conversation = queue.body.data[0] as Conversation
    const reply = await call<Message>('POST', `${gw.url}/v1/messages`, {
      source: 'snappy',
      mailboxId: conversation.mailboxId ?? WCL_MAILBOX,
      conversationId: conversation.id,
      from: [{ name: 'Ann', address: 'ann@example.com' }],
      body: 'A reply written through.',
    })
    expect(reply.status, JSON.stringify(reply.body)).toBe(201)
    const messages = await call<Page>('GET', `${gw.url}/v1/conversations/${conversation.id}/messages?limit=100`)
    expect(messages.body.data.map((m) => m.id)).toContain(reply.body.id)
  })
})
