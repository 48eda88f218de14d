/**
 * Three gateway processes on one PostgreSQL send the webhook outbox together: every event
 * reaches the receiver exactly once (the receiver always answers at once, so no retry is
 * due), never twice because two replicas took the same delivery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call } from '../helpers/messages.js'
import { type GatewayProcess, spawnGateway } from '../helpers/processes.js'
import { until, waitForSync } from '../helpers/replica.js'
import {
  type SimulatedUpstreams,
  gatewayEnv,
  startSimulatedUpstreams,
  threeReplicas,
} from '../helpers/simulated-upstreams.js'
import { type TestDatabase, testDatabase } from '../helpers/stores.js'
import { type WebhookReceiver, startWebhookReceiver } from '../helpers/webhook-receiver.js'

type Feed = { data: Array<{ id: string }>; resumeCursor: string; hasMore: boolean }

let upstreams: SimulatedUpstreams
let store: TestDatabase
let receiver: WebhookReceiver
let gateways: GatewayProcess[] = []
let urls: string[] = []

beforeAll(async () => {
  upstreams = await startSimulatedUpstreams({ volume: { communications: 100 } })
  store = testDatabase('postgres')
  receiver = await startWebhookReceiver()
  const env = gatewayEnv(upstreams, store, {
    ...threeReplicas(),
    SYNC_BATCHBOOK_POLL_MS: '1000',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  })
  gateways = [1, 2, 3].map(() => spawnGateway(env))
  urls = await Promise.all(gateways.map((g) => g.url))
  await waitForSync(urls[0] as string, 'crm', (s) => s.backfilledAt !== null, 90_000)
}, 120_000)

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()))
  await receiver.close()
  await upstreams.close()
  await store.drop()
})

describe('three replicas sending webhooks', () => {
  it('deliver each event once', async () => {
    const [a, b] = urls as [string, string]
    const start = (await call<Feed>('GET', `${a}/v1/events?limit=1`)).body.resumeCursor
    const endpoint = await call<{ secret: string }>('POST', `${b}/v1/webhook-endpoints`, { url: receiver.url })
    receiver.secret = endpoint.body.secret
    // Fifty changes at the upstream: five pages of one poll, fifty events.
    for (const c of upstreams.batchbook.store.listCommunications().slice(0, 50)) {
      upstreams.batchbook.store.updateCommunication(c.id, { subject: `Changed ${c.id}` })
    }
    const feed = async () => {
      const page = await call<Feed>('GET', `${a}/v1/events?limit=100&cursor=${start}`)
      return page.body.data.map((e) => e.id)
    }
    await until(async () => (await feed()).length >= 50, 30_000, 'fifty events recorded')
    const ids = await feed()
    await until(() => ids.every((id) => receiver.unique().some((r) => r.id === id)), 30_000, 'every event delivered')
    // Let any second delivery arrive, were there one.
    await new Promise((r) => setTimeout(r, 2_000))
    expect(receiver.received.every((r) => r.verified)).toBe(true)
    expect(receiver.received).toHaveLength(receiver.unique().length)
    expect(upstreams.batchbook.stats.limitViolations).toBe(0)
  }, 90_000)
})
