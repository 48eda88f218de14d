/**
 * Webhook deliveries are kept apart per endpoint: three slow receivers of one key (each taking
 * five seconds to answer) do not hold up another key's deliveries, which keep arriving within
 * a second or two of their events. And the retry schedule reaches over days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Message } from '../../src/schemas/message.js'
import { encodeId } from '../../src/ids.js'
import { retryDelay } from '../../src/webhooks/delivery.js'
import { type RunningGateway, SCOPED_KEY, startGateway, testConfig } from '../helpers/gateway.js'
import { call } from '../helpers/messages.js'
import { until } from '../helpers/replica.js'
import { type TestDatabase, testDatabase } from '../helpers/stores.js'
import { type WebhookReceiver, startWebhookReceiver } from '../helpers/webhook-receiver.js'
import { request } from 'undici'

let store: TestDatabase
let gw: RunningGateway
let slow: WebhookReceiver[] = []
let other: WebhookReceiver

beforeAll(async () => {
  store = testDatabase('sqlite')
  const config = testConfig({ store: store.config })
  config.events.webhooks.allowPrivateNetworks = true
  gw = await startGateway({ config, withSandbox: true, virtual: false, sync: false })
  slow = await Promise.all([1, 2, 3].map(() => startWebhookReceiver()))
  other = await startWebhookReceiver()
  for (const receiver of slow) {
    receiver.delayMs = 5_000
    const made = await call<{ secret: string }>('POST', `${gw.url}/v1/webhook-endpoints`, {
      url: receiver.url,
      connections: ['snappy'],
    })
    receiver.secret = made.body.secret
  }
  const res = await request(`${gw.url}/v1/webhook-endpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SCOPED_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: other.url }),
  })
  other.secret = ((await res.body.json()) as { secret: string }).secret
}, 30_000)
afterAll(async () => {
  await gw.close()
  for (const receiver of [...slow, other]) await receiver.close()
  await store.drop()
})

function note(n: number): Message {
  const at = new Date(Date.UTC(2026, 0, 1) + n * 1_000).toISOString()
  return {
    id: encodeId('message', { source: 'snappy', connection: 'snappy', parts: ['1', String(n)] }),
    source: 'snappy',
    connection: 'snappy',
    remoteId: String(n),
    conversationId: encodeId('conversation', { source: 'snappy', connection: 'snappy', parts: ['1'] }),
    kind: 'note',
    visibility: 'private',
    subject: null,
    body: { text: `note ${n}`, html: null },
    sentAt: at,
    createdAt: at,
    updatedAt: at,
    author: null,
    participants: [],
    participantsStatus: 'complete',
    tags: [],
    comments: [],
    attachments: [],
  }
}

describe('webhook deliveries', () => {
  it('keep another key’s deliveries on time while one key’s receivers are slow', async () => {
    const store = gw.app.store!
    const sentAt = new Map<string, number>()
    for (let n = 1; n <= 20; n++) {
      const message = note(n)
      sentAt.set(message.id, Date.now())
      await store.messages.upsert([message], true, 'sync')
      await new Promise((r) => setTimeout(r, 150))
    }
    await until(() => other.unique().length >= 20, 30_000, 'the other key’s deliveries')
    const delays = other
      .unique()
      .map((r) => r.at - (sentAt.get(r.recordId) ?? r.at))
      .sort((a, b) => a - b)
    const p95 = delays[Math.ceil(delays.length * 0.95) - 1] as number
    console.info(`another key's delivery delay with three slow receivers: p95 ${p95} ms, max ${delays.at(-1)} ms`)
    expect(p95).toBeLessThan(2_000)
    // The slow ones are still being served, on their own time.
    expect(slow.every((r) => r.arrived > 0)).toBe(true)
  }, 60_000)

  it('retries for days: from seconds apart at first to hours apart', () => {
    const base = testConfig().events.webhooks
    expect(base.retryForMs).toBe(3 * 86_400_000)
    const first = retryDelay(1, base.retryBaseMs, () => 0.5)
    const late = retryDelay(20, base.retryBaseMs, () => 0.5)
    expect(first).toBeLessThan(10_000)
    expect(late).toBeGreaterThan(3_600_000)
    expect(late).toBeLessThanOrEqual(10 * 3_600_000)
  })
})
