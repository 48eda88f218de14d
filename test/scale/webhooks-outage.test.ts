/**
 * Webhook deliveries survive the receiver being away and the gateway being killed. The retry
 * schedule is scaled down 1:50 (`WEBHOOK_RETRY_BASE_MS=100` instead of 5 s) so that the
 * receiver's five minutes away take six seconds here; the schedule itself is the same code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call } from '../helpers/messages.js'
import { type GatewayProcess, spawnGateway } from '../helpers/processes.js'
import { until, waitForSync } from '../helpers/replica.js'
import { type SimulatedUpstreams, gatewayEnv, startSimulatedUpstreams } from '../helpers/simulated-upstreams.js'
import { testDatabase } from '../helpers/stores.js'
import { type WebhookReceiver, startWebhookReceiver } from '../helpers/webhook-receiver.js'

type Feed = { data: Array<{ id: string; data: { object: { id: string } } }>; resumeCursor: string }

const POLL_MS = 1_000
let upstreams: SimulatedUpstreams
const store = testDatabase('sqlite')
let receiver: WebhookReceiver
let env: Record<string, string>
let gateway: GatewayProcess
let url: string
let feedStart: string

/** Every event of the feed since the start, in its order. */
async function feedSinceStart(): Promise<Feed['data']> {
  const events: Feed['data'] = []
  let cursor = feedStart
  for (;;) {
    const page = await call<Feed & { hasMore: boolean }>('GET', `${url}/v1/events?limit=100&cursor=${cursor}`)
    events.push(...page.body.data)
    cursor = page.body.resumeCursor
    if (!page.body.hasMore) return events
  }
}

/** Changes `count` communications at the simulator; the next poll turns each into an event. */
function change(count: number, label: string): void {
  for (const c of upstreams.batchbook.store.listCommunications().slice(0, count)) {
    upstreams.batchbook.store.updateCommunication(c.id, { subject: `${label} ${c.id}` })
  }
}

beforeAll(async () => {
  upstreams = await startSimulatedUpstreams({})
  receiver = await startWebhookReceiver()
  env = gatewayEnv(upstreams, store, {
    SYNC_BATCHBOOK_POLL_MS: String(POLL_MS),
    SYNC_LEASE_MS: '3000',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_RETRY_BASE_MS: '100',
    WEBHOOK_TIMEOUT_MS: '3000',
  })
  gateway = spawnGateway(env)
  url = await gateway.url
  await waitForSync(url, 'crm', (s) => s.backfilledAt !== null, 60_000)
  feedStart = (await call<Feed>('GET', `${url}/v1/events?limit=1`)).body.resumeCursor
  const endpoint = await call<{ secret: string }>('POST', `${url}/v1/webhook-endpoints`, { url: receiver.url })
  receiver.secret = endpoint.body.secret
}, 90_000)

afterAll(async () => {
  await gateway.stop()
  await receiver.close()
  await upstreams.close()
  await store.drop()
})

describe('webhook deliveries', () => {
  it('reach a receiver that was away for "five minutes", all of them, each record’s in order', async () => {
    await receiver.down()
    change(12, 'first')
    // Let the first changes become events before the second ones, so each record has two.
    await until(async () => (await feedSinceStart()).length >= 12, 10_000, 'the first changes recorded')
    change(12, 'second')
    await until(async () => (await feedSinceStart()).length >= 24, 10_000, 'the second changes recorded')
    await new Promise((r) => setTimeout(r, 6_000))
    expect(receiver.received).toHaveLength(0)
    await receiver.up()

    const feed = await feedSinceStart()
    await until(() => feed.every((e) => receiver.unique().some((r) => r.id === e.id)), 30_000, 'every event delivered')
    expect(receiver.received.every((r) => r.verified)).toBe(true)
    // Each record's events arrived in the feed's order.
    const order = receiver.unique().map((r) => r.id)
    for (const record of new Set(feed.map((e) => e.data.object.id))) {
      const inFeed = feed.filter((e) => e.data.object.id === record).map((e) => e.id)
      expect(order.filter((id) => inFeed.includes(id))).toEqual(inFeed)
    }
  }, 90_000)

  it('loses no event when the gateway is killed while delivering', async () => {
    // The receiver takes its time: the gateway dies with deliveries sent but not yet answered.
    receiver.delayMs = 2_000
    const arrived = receiver.arrived
    const answered = receiver.received.length
    change(10, 'third')
    await until(() => receiver.arrived > arrived, 15_000, 'delivery under way')
    await gateway.stop('SIGKILL')
    expect(receiver.received.length).toBe(answered)
    receiver.delayMs = 0
    gateway = spawnGateway(env)
    url = await gateway.url
    const feed = await feedSinceStart()
    await until(() => feed.every((e) => receiver.unique().some((r) => r.id === e.id)), 60_000, 'every event delivered')
  }, 90_000)
})
