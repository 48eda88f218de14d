/**
 * PostgreSQL going away never takes the gateway down. Through a proxy that plays a crash (every
 * connection reset, new ones refused) or a partition (connections held open, nothing answered):
 * the process stays up, every request answers within its deadline (reads from the upstreams,
 * store-only routes `503 store_unavailable` with `Retry-After`), `/readyz` says `degraded` with
 * the store's state, and a write answered 2xx meanwhile gets its one event and its one webhook
 * delivery once the store is back. A gateway started while the store is down starts, serves
 * degraded and connects when it can.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Config } from '../../src/config.js'
import type { Message } from '../../src/schemas/message.js'
import { type RunningGateway, startGateway } from '../helpers/gateway.js'
import { call } from '../helpers/messages.js'
import { until, waitForSync } from '../helpers/replica.js'
import { type SimulatedUpstreams, configOver, startSimulatedUpstreams } from '../helpers/simulated-upstreams.js'
import { DATABASE_URL, type TestDatabase, testDatabase } from '../helpers/stores.js'
import { type TcpProxy, startTcpProxy } from '../helpers/tcp-proxy.js'
import { type WebhookReceiver, startWebhookReceiver } from '../helpers/webhook-receiver.js'

/** The store's statement deadline in these tests (the default is 5 s). */
const STORE_TIMEOUT_MS = 1_000
/** What any request may take while the store is away: the deadline, and the upstream's own time. */
const ANSWER_WITHIN_MS = STORE_TIMEOUT_MS + 3_000
const LIMITS = { batchbook: { max: 50, windowMs: 1_000 } }

let upstreams: SimulatedUpstreams | undefined
let store: TestDatabase | undefined
let proxy: TcpProxy | undefined
let gateway: RunningGateway | undefined
let receiver: WebhookReceiver | undefined

afterEach(async () => {
  proxy?.restore()
  await gateway?.close()
  await receiver?.close()
  await upstreams?.close()
  await proxy?.close()
  await store?.drop()
  ;[gateway, receiver, upstreams, proxy, store] = [undefined, undefined, undefined, undefined, undefined]
})

/** A gateway whose PostgreSQL is reached through the proxy. */
async function start(): Promise<{ gw: RunningGateway; config: Config }> {
  upstreams ??= await startSimulatedUpstreams({ limits: LIMITS })
  store ??= testDatabase('postgres', { pollMs: { batchbook: 500, snappy: 60_000 } })
  proxy ??= await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(DATABASE_URL).port || 5432) })
  const url = new URL(DATABASE_URL)
  url.port = String(proxy.port)
  const base = configOver(upstreams, store)
  const config: Config = {
    ...base,
    store: { ...base.store, databaseUrl: url.toString(), statementTimeoutMs: STORE_TIMEOUT_MS },
    events: { ...base.events, webhooks: { ...base.events.webhooks, allowPrivateNetworks: true } },
  }
  gateway = await startGateway({ config })
  return { gw: gateway, config }
}

/** `call`, with how long the answer took. */
async function timed<T>(method: string, url: string, body?: unknown) {
  const started = Date.now()
  const answer = await call<T>(method, url, body)
  return { ...answer, ms: Date.now() - started }
}

const create = (url: string, subject: string) =>
  timed<Message>('POST', `${url}/v1/messages`, {
    source: 'batchbook',
    kind: 'note',
    subject,
    body: 'written while the store was away',
  })

type Events = { data: Array<{ id: string; type: string; data: { object: { id: string } } }>; resumeCursor: string }

async function eventsFor(url: string, ids: readonly string[]) {
  const page = await call<Events>('GET', `${url}/v1/events?limit=100&types=message.created`)
  return page.body.data.filter((e) => ids.includes(e.data.object.id))
}

describe('the store crashing', () => {
  it('keeps every gateway answering, and records the writes made meanwhile once it is back', async () => {
    const { gw } = await start()
    receiver = await startWebhookReceiver()
    const endpoint = await call<{ secret: string }>('POST', `${gw.url}/v1/webhook-endpoints`, {
      url: receiver.url,
      eventTypes: ['message.created'],
    })
    receiver.secret = endpoint.body.secret
    await waitForSync(gw.url, 'crm', (s) => s.state === 'live', 30_000)
    const [someone] = (await call<{ data: Message[] }>('GET', `${gw.url}/v1/messages?limit=1`)).body.data

    proxy?.cut()
    const written: string[] = []
    for (let i = 0; i < 3; i++) {
      const created = await create(gw.url, `during the crash ${i}`)
      expect(created.status).toBe(201)
      expect(created.ms).toBeLessThan(ANSWER_WITHIN_MS)
      written.push(created.body.id)
    }
    const list = await timed<{ data: Message[] }>('GET', `${gw.url}/v1/messages?limit=5`)
    expect(list.status).toBe(200)
    expect(list.ms).toBeLessThan(ANSWER_WITHIN_MS)
    const one = await timed('GET', `${gw.url}/v1/messages/${someone?.id}`)
    expect(one.status).toBe(200)
    const feed = await timed('GET', `${gw.url}/v1/events`)
    expect(feed.status).toBe(503)
    expect(feed.body).toMatchObject({ code: 'store_unavailable' })
    expect(Number(feed.headers['retry-after'])).toBeGreaterThan(0)
    expect(feed.ms).toBeLessThan(ANSWER_WITHIN_MS)
    const ready = await gw.app.inject({ url: '/readyz' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toMatchObject({ status: 'degraded', store: 'unreachable' })
    expect((await gw.app.inject({ url: '/healthz' })).statusCode).toBe(200)
    expect((await gw.app.inject({ url: '/metrics' })).body).toContain('switchboard_store_up 0')

    proxy?.restore()
    await until(async () => (await gw.app.inject({ url: '/readyz' })).json().store === 'ok', 15_000, 'the store back')
    const events = await eventsFor(gw.url, written)
    expect(events.map((e) => e.data.object.id).sort()).toEqual([...written].sort())
    await until(() => receiver?.unique().length === written.length, 15_000, 'one delivery of each')
    expect(
      receiver
        ?.unique()
        .map((r) => r.recordId)
        .sort(),
    ).toEqual([...written].sort())
  }, 90_000)
})

describe('the store behind a partition', () => {
  it('answers every request within the store’s deadline, degraded, and recovers', async () => {
    const { gw } = await start()
    await waitForSync(gw.url, 'crm', (s) => s.state === 'live', 30_000)
    proxy?.hold()
    // The first request to meet the silent store waits out one deadline; the next know at once.
    const answers = await Promise.all([
      timed('GET', `${gw.url}/v1/messages?limit=5`),
      timed('GET', `${gw.url}/v1/events`),
      timed('GET', `${gw.url}/v1/sources`),
      create(gw.url, 'during the partition'),
    ])
    for (const answer of answers) expect(answer.ms).toBeLessThan(ANSWER_WITHIN_MS)
    expect(answers.map((a) => a.status)).toEqual([200, 503, 200, 201])
    const later = await timed('GET', `${gw.url}/v1/events`)
    expect(later.status).toBe(503)
    expect(later.ms).toBeLessThan(500)
    expect((await gw.app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'degraded', store: 'unreachable' })

    proxy?.restore()
    await until(async () => (await gw.app.inject({ url: '/readyz' })).json().store === 'ok', 15_000, 'the store back')
    const written = answers[3]?.body as Message
    expect(await eventsFor(gw.url, [written.id])).toHaveLength(1)
  }, 60_000)
})

describe('a gateway started while the store is down', () => {
  it('starts degraded, serves from the upstreams, and connects when it can', async () => {
    upstreams = await startSimulatedUpstreams({ limits: LIMITS })
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(DATABASE_URL).port || 5432) })
    proxy.cut()
    const started = Date.now()
    const { gw } = await start()
    expect(Date.now() - started).toBeLessThan(ANSWER_WITHIN_MS)
    expect((await gw.app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'degraded', store: 'connecting' })
    const list = await call<{ data: Message[] }>('GET', `${gw.url}/v1/messages?limit=5`)
    expect(list.status).toBe(200)
    expect(list.body.data).toHaveLength(5)

    proxy.restore()
    await until(async () => (await gw.app.inject({ url: '/readyz' })).json().store === 'ok', 15_000, 'connected')
    await waitForSync(gw.url, 'crm', (s) => s.state === 'live', 30_000)
  }, 60_000)
})
