/**
 * Sends the webhook outbox (src/store/webhooks.ts), on every gateway: each claims due
 * deliveries for a lease, sends them signed as the Standard Webhooks specification says
 * (`webhook-id` is the event id, so a receiver deduplicates retries and replays by it), and
 * settles them. A failed attempt is retried with exponential backoff and jitter (as the
 * specification recommends: seconds at first, hours later) until `retryForMs` after the first
 * one (days, by default); then the endpoint is disabled and an event says so. Runs beside
 * client requests, never in their way: a client write only adds outbox rows.
 *
 * Endpoints are kept apart: at most `PER_ENDPOINT` attempts in flight to one endpoint and
 * `IN_FLIGHT` in all, each settled on its own, and a claim leaves out the endpoints that have
 * all theirs in flight. A slow or dead receiver delays its own deliveries only.
 */
import diagnostics from 'node:diagnostics_channel'
import { Webhook } from 'standardwebhooks'
import type { Clock } from '../clock.js'
import type { EventsConfig } from '../config.js'
import { describeDuration } from '../durations.js'
import type { Store } from '../store/index.js'
import type { ClaimedDelivery } from '../store/webhooks.js'
import { type DeliveryResult, createWebhookDispatcher, postWebhook } from './target.js'

/** Attempts in flight from this gateway, in all and to one endpoint. */
const IN_FLIGHT = 32
const PER_ENDPOINT = 4
/** The longest wait between two attempts (the specification's schedule ends at ten hours). */
const MAX_RETRY_DELAY_MS = 10 * 3_600_000

/** Published for every attempt (the metrics count them): `succeeded`, `failed` or `gave_up`. */
export interface WebhookAttemptEvent {
  result: 'succeeded' | 'failed' | 'gave_up'
  durationMs: number
}
const attempts = diagnostics.channel('switchboard:webhook:attempt')

export interface WebhookDeliveryOptions {
  store: Store
  config: EventsConfig
  /** Whether the key may (still) see events of the connection. */
  mayUse(keyName: string, connection: string): boolean
  onError(err: unknown): void
  /** This gateway, as its delivery claims name it. */
  holder: string
}

/**
 * POSTs one event to an endpoint, signed as the Standard Webhooks specification says with the
 * endpoint's secret: `webhook-id` (the event id), `webhook-timestamp`, `webhook-signature`.
 * A POST to a receiver is real I/O, bounded by its own real deadline (see clock.ts).
 */
export function sendSigned(
  dispatcher: ReturnType<typeof createWebhookDispatcher>,
  endpoint: { url: string; secret: string },
  eventId: string,
  payload: string,
  how: { sentAt: Date; clock: Clock; timeoutMs: number },
): Promise<DeliveryResult> {
  const headers = {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(how.sentAt.getTime() / 1000)),
    'webhook-signature': new Webhook(endpoint.secret).sign(eventId, how.sentAt, payload),
    'user-agent': 'Switchboard-Webhooks/1',
  }
  return how.clock.io(postWebhook(dispatcher, new URL(endpoint.url), headers, payload, how.timeoutMs))
}

/** The delay before retry `attempt` (1 for the first retry): doubling, capped, half of it jittered. */
export function retryDelay(attempt: number, baseMs: number, random = Math.random): number {
  const full = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(full / 2 + random() * (full / 2))
}

export class WebhookDelivery {
  readonly holder: string
  readonly #options: WebhookDeliveryOptions
  readonly #dispatcher
  readonly #abort = new AbortController()
  #loop: Promise<void> | null = null

  constructor(options: WebhookDeliveryOptions) {
    this.#options = options
    this.holder = options.holder
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
    const { store, config } = this.#options
    const leaseMs = 2 * config.webhooks.timeoutMs + 5_000
    const signal = this.#abort.signal
    const sending = new Set<Promise<void>>()
    /** Attempts in flight per endpoint. */
    const busy = new Map<string, number>()
    while (!signal.aborted) {
      let claimed: ClaimedDelivery[] = []
      if (store.available && sending.size < IN_FLIGHT) {
        try {
          const full = [...busy].filter(([, n]) => n >= PER_ENDPOINT).map(([id]) => id)
          claimed = await store.webhooks.claim(this.holder, IN_FLIGHT - sending.size, leaseMs, full)
          // A claim may hold more for one endpoint than it has room for: those go back at once.
          const over: number[] = []
          for (const delivery of claimed) {
            const endpoint = delivery.endpoint.id
            const inFlight = busy.get(endpoint) ?? 0
            if (inFlight >= PER_ENDPOINT) {
              over.push(delivery.id)
              continue
            }
            busy.set(endpoint, inFlight + 1)
            const attempt: Promise<void> = this.#send(delivery)
              .catch((err: unknown) => this.#options.onError(err))
              .finally(() => {
                sending.delete(attempt)
                const left = (busy.get(endpoint) ?? 1) - 1
                if (left === 0) busy.delete(endpoint)
                else busy.set(endpoint, left)
              })
            sending.add(attempt)
          }
          await store.webhooks.unclaim(over)
        } catch (err) {
          if (signal.aborted) break
          this.#options.onError(err)
        }
      }
      // Claim again at once while there was work; else when an attempt ends (its endpoint has
      // room again) or after a pause.
      if (claimed.length === 0 || sending.size >= IN_FLIGHT) {
        await Promise.race([store.clock.sleep(config.webhooks.pollMs, signal), ...sending])
      }
    }
    await Promise.allSettled([...sending])
  }

  async #send(delivery: ClaimedDelivery): Promise<void> {
    const { store, config } = this.#options
    const { connection } = delivery.event
    if (connection !== null && !this.#options.mayUse(delivery.endpoint.keyName, connection)) {
      await store.webhooks.cancel(delivery)
      return
    }
    const sentAt = new Date(store.clock.now())
    const result = await sendSigned(this.#dispatcher, delivery.endpoint, delivery.event.id, delivery.payload, {
      sentAt,
      clock: store.clock,
      timeoutMs: config.webhooks.timeoutMs,
    })
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
      await store.webhooks.settle(delivery, attempt, { status: 'succeeded' })
      return
    }
    report('failed')
    const first = delivery.firstAttemptAt ?? sentAt.getTime()
    if (store.clock.now() - first >= config.webhooks.retryForMs) {
      report('gave_up')
      const reason = `deliveries failed for ${describeDuration(config.webhooks.retryForMs)}`
      await store.webhooks.settle(delivery, attempt, { status: 'failed', reason })
      return
    }
    const retryAt = store.clock.now() + retryDelay(delivery.attempts + 1, config.webhooks.retryBaseMs)
    await store.webhooks.settle(delivery, attempt, { status: 'pending', retryAt })
  }
}
