/**
 * `POST /v1/webhook-endpoints/{id}/test`: a signed test event sent now, verified by a receiver
 * as an integrator would verify it, and what the receiver answered; nothing of it is kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningGateway } from '../../helpers/gateway.js'
import { call } from '../../helpers/messages.js'
import { startStoreGateway } from '../../helpers/store-gateway.js'
import { type WebhookReceiver, startWebhookReceiver } from '../../helpers/webhook-receiver.js'

let gw: RunningGateway
let receiver: WebhookReceiver

beforeAll(async () => {
  gw = await startStoreGateway({
    configure: (config) => {
      config.events.webhooks.allowPrivateNetworks = true
    },
  })
  receiver = await startWebhookReceiver(gw.app.clock)
})
afterAll(async () => {
  await gw.close()
  await receiver.close()
})

interface TestAnswer {
  eventId: string
  delivered: boolean
  statusCode: number | null
  error: string | null
}

describe('a test event', () => {
  it('arrives signed with the endpoint’s secret, and the answer says so', async () => {
    const endpoint = await call<{ id: string; secret: string }>('POST', `${gw.url}/v1/webhook-endpoints`, {
      url: receiver.url,
    })
    receiver.secret = endpoint.body.secret
    const res = await call<TestAnswer>('POST', `${gw.url}/v1/webhook-endpoints/${endpoint.body.id}/test`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ delivered: true, statusCode: 204, error: null })
    expect(receiver.received).toEqual([
      expect.objectContaining({ id: res.body.eventId, type: 'webhook_endpoint.test', verified: true }),
    ])
    // Not kept: no attempt listed, nothing in the feed.
    const attempts = await call<{ data: unknown[] }>(
      'GET',
      `${gw.url}/v1/webhook-endpoints/${endpoint.body.id}/attempts`,
    )
    expect(attempts.body.data).toEqual([])
    const feed = await call<{ data: Array<{ type: string }> }>('GET', `${gw.url}/v1/events`)
    expect(feed.body.data.filter((e) => e.type === 'webhook_endpoint.test')).toEqual([])
  })

  it('says what a failing receiver answered', async () => {
    const endpoint = await call<{ id: string; secret: string }>('POST', `${gw.url}/v1/webhook-endpoints`, {
      url: receiver.url,
    })
    receiver.mode = 'fail'
    const res = await call<TestAnswer>('POST', `${gw.url}/v1/webhook-endpoints/${endpoint.body.id}/test`)
    receiver.mode = 'ok'
    expect(res.body).toMatchObject({ delivered: false, statusCode: 503, error: 'answered 503' })
  })

  it('is for the key’s own endpoints only', async () => {
    const res = await call<{ code: string }>('POST', `${gw.url}/v1/webhook-endpoints/we_aaaaaaaaaaaaaaaa/test`)
    expect(res.status).toBe(404)
  })
})
