/**
 * Sends the webhook outbox (src/replica/webhooks.ts), on every replica: each claims due
 * deliveries for a lease, sends them signed as the Standard Webhooks specification says
 * (`webhook-id` is the event id, so a receiver deduplicates retries and replays by it), and
 * settles them. A failed attempt is retried with exponential backoff and jitter until
 * `retryForMs` after the first one; then the endpoint is disabled and an event says so. Runs
 * beside client requests, never in their way: a client write only adds outbox rows.
 * Old events are pruned here too, once an hour.
 */
import diagnostics from 'node:diagnostics_channel'
import { setTimeout as sleep } from 'node:timers/promises'
import { Webhook } from 'standardwebhooks'
import { PROCESS_HOLDER } from '../replica/holder.js'
import type { EventsConfig } from '../config.js'
import type { Replica } from '../replica/index.js'
import type { ClaimedDelivery } from '../replica/webhooks.js'
import { createWebhookDispatcher, postWebhook } from './webhook-target.js'

const IDLE_POLL_MS = 500
const CLAIM_BATCH = 20
const MAX_RETRY_DELAY_MS = 3_600_000
const PRUNE_EVERY_MS = 3_600_000

/** Published for every attempt (the metrics count them): `succeeded`, `failed` or `gave_up`. */
export interface WebhookAttemptEvent {
  result: 'succeeded' | 'failed' | 'gave_up'
  durationMs: number
}
const attempts = diagnostics.channel('switchboard:webhook:attempt')

export interface WebhookDeliveryOptions {
  replica: Replica
  config: EventsConfig
  /** Whether the key may (still) see events of the connection. */
  mayUse(keyName: string, connection: string): boolean
  onError(err: unknown): void
}

/** The delay before retry `attempt` (1 for the first retry): doubling, capped, half of it jittered. */
export function retryDelay(attempt: number, baseMs: number, random = Math.random): number {
  const full = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(full / 2 + random() * (full / 2))
}

export class WebhookDelivery {
  readonly holder = PROCESS_HOLDER
  readonly #options: WebhookDeliveryOptions
  readonly #dispatcher
  readonly #abort = new AbortController()
  #loop: Promise<void> | null = null
  #prunedAt = 0

  constructor(options: WebhookDeliveryOptions) {
    this.#options = options
    this.#dispatcher = createWebhookDispatcher({
      allowPrivate: options.config.webhooks.allowPrivateNetworks,
      timeoutMs: options.config.webhooks.timeoutMs,
    })
  }

  start(): void {
    this.#loop ??= this.#run()
  }

  async stop(): Promise<void> {
    this.#abort.abort()
    await this.#loop
    await this.#dispatcher.close()
  }

  async #run(): Promise<void> {
    const { replica, config } = this.#options
    const leaseMs = 2 * config.webhooks.timeoutMs + 5_000
    const signal = this.#abort.signal
    while (!signal.aborted) {
      let claimed: ClaimedDelivery[] = []
      if (!replica.available) {
        // Nothing can be claimed or settled: wait for the store (the recovery replays first).
        await sleep(IDLE_POLL_MS, undefined, { signal }).catch(() => undefined)
        continue
      }
      try {
        await this.#prune()
        claimed = await replica.webhooks.claim(this.holder, CLAIM_BATCH, leaseMs)
        // At most one delivery per record and endpoint is claimable at a time: sending them
        // side by side keeps each record's order.
        await Promise.all(claimed.map((d) => this.#send(d)))
      } catch (err) {
        if (signal.aborted) break
        this.#options.onError(err)
      }
      if (claimed.length === 0) await sleep(IDLE_POLL_MS, undefined, { signal }).catch(() => undefined)
    }
  }

  async #send(delivery: ClaimedDelivery): Promise<void> {
    const { replica, config } = this.#options
    const { connection } = delivery.event
    if (connection !== null && !this.#options.mayUse(delivery.endpoint.keyName, connection)) {
      await replica.webhooks.cancel(delivery)
      return
    }
    const sentAt = new Date()
    const headers = {
      'webhook-id': delivery.event.id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': new Webhook(delivery.endpoint.secret).sign(delivery.event.id, sentAt, delivery.payload),
      'user-agent': 'Switchboard-Webhooks/1',
    }
    const result = await postWebhook(
      this.#dispatcher,
      new URL(delivery.endpoint.url),
      headers,
      delivery.payload,
      config.webhooks.timeoutMs,
    )
    const succeeded = result.status !== null && result.status >= 200 && result.status < 300 && result.error === null
    const attempt = {
      attemptedAt: sentAt.toISOString(),
      statusCode: result.status,
      error: succeeded ? null : (result.error ?? `answered ${result.status}`),
      durationMs: result.durationMs,
      succeeded,
    }
    const report = (result: WebhookAttemptEvent['result']) =>
      attempts.publish({
        result,
        durationMs: result === 'gave_up' ? 0 : attempt.durationMs,
      } satisfies WebhookAttemptEvent)
    if (succeeded) {
      report('succeeded')
      await replica.webhooks.settle(delivery, attempt, { status: 'succeeded' })
      return
    }
    report('failed')
    const first = delivery.firstAttemptAt ?? sentAt.getTime()
    if (Date.now() - first >= config.webhooks.retryForMs) {
      report('gave_up')
      await replica.webhooks.settle(delivery, attempt, { status: 'failed' })
      return
    }
    const retryAt = Date.now() + retryDelay(delivery.attempts + 1, config.webhooks.retryBaseMs)
    await replica.webhooks.settle(delivery, attempt, { status: 'pending', retryAt })
  }

  async #prune(): Promise<void> {
    if (Date.now() - this.#prunedAt < PRUNE_EVERY_MS) return
    this.#prunedAt = Date.now()
    await this.#options.replica.events.prune(new Date(Date.now() - this.#options.config.retentionMs).toISOString())
  }
}
