/**
 * A key's webhook endpoints: kept in the store, each target checked (http(s), public
 * addresses unless allowed) before it is kept, the signing secret made here and answered only
 * when made or rotated. Another key's endpoint is answered as not found.
 */
import { randomBytes } from 'node:crypto'
import type { EventsConfig } from '../config.js'
import { invalidField, notFound } from '../errors.js'
import { EVENT_TYPES, decodeAttemptsCursor, decodeFeedCursor, encodeAttemptsCursor } from '../events/feed.js'
import type { Store } from '../store/index.js'
import type { EndpointPatch, WebhookAttempt, WebhookEndpoint } from '../store/webhooks.js'
import { checkWebhookTarget, createWebhookDispatcher, parseWebhookUrl, sendSigned } from '../webhooks/index.js'
import { requireStore } from './events.js'

export type { WebhookEndpoint } from '../store/webhooks.js'

/** An endpoint as asked for; `connections` already checked against the key's. */
export interface EndpointInput {
  url: string
  description?: string | null
  eventTypes?: string[]
  connections?: string[] | null
}

export interface EndpointChange extends EndpointInput {
  enabled?: boolean
}

function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`
}

/** The event types asked for: known ones, or `*`. */
function eventTypes(types: string[] | undefined, path: string): string[] {
  if (types === undefined) return ['*']
  for (const type of types) {
    if (type !== '*' && !(EVENT_TYPES as readonly string[]).includes(type))
      throw invalidField(path, `'${type}' is not an event type`, `Event types are ${EVENT_TYPES.join(', ')} (or *)`)
  }
  return [...new Set(types)]
}

const NOT_FOUND = 'No webhook endpoint of this key has that id'

/** The type of the event a test sends; it is never in the feed. */
const TEST_EVENT_TYPE = 'webhook_endpoint.test'

export interface TestDelivery {
  /** The test event's id (its `webhook-id`). */
  eventId: string
  delivered: boolean
  statusCode: number | null
  durationMs: number
  error: string | null
}

export class WebhookRecords {
  readonly #store: Store | null
  readonly #config: EventsConfig

  constructor(store: Store | null, config: EventsConfig) {
    this.#store = store
    this.#config = config
  }

  get #webhooks() {
    return requireStore(this.#store).webhooks
  }

  async #target(value: string): Promise<string> {
    const url = parseWebhookUrl(value)
    await checkWebhookTarget(url, this.#config.webhooks.allowPrivateNetworks)
    return url.href
  }

  async create(keyName: string, input: EndpointInput): Promise<WebhookEndpoint & { secret: string }> {
    const webhooks = this.#webhooks
    const types = eventTypes(input.eventTypes, 'body/eventTypes')
    const url = await this.#target(input.url)
    const secret = newSecret()
    const endpoint = await webhooks.create({
      id: `we_${randomBytes(12).toString('base64url')}`,
      keyName,
      url,
      description: input.description ?? null,
      eventTypes: types,
      connections: input.connections ?? null,
      secret,
    })
    return { ...endpoint, secret }
  }

  list(keyName: string): Promise<WebhookEndpoint[]> {
    return this.#webhooks.list(keyName)
  }

  /** The key's endpoint, or 404. */
  async get(id: string, keyName: string): Promise<WebhookEndpoint> {
    const endpoint = await this.#webhooks.get(id, keyName)
    if (endpoint === undefined) throw notFound(NOT_FOUND)
    return endpoint
  }

  async update(id: string, keyName: string, change: Partial<EndpointChange>): Promise<WebhookEndpoint> {
    await this.get(id, keyName)
    const patch: EndpointPatch = {}
    if (change.url !== undefined) patch.url = await this.#target(change.url)
    if (change.description !== undefined) patch.description = change.description
    if (change.eventTypes !== undefined) patch.eventTypes = eventTypes(change.eventTypes, 'body/eventTypes')
    if (change.connections !== undefined) patch.connections = change.connections
    if (change.enabled !== undefined) patch.enabled = change.enabled
    const updated = await this.#webhooks.update(id, keyName, patch)
    if (updated === undefined) throw notFound(NOT_FOUND)
    return updated
  }

  async remove(id: string, keyName: string): Promise<void> {
    if (!(await this.#webhooks.remove(id, keyName))) throw notFound(NOT_FOUND)
  }

  async rotateSecret(id: string, keyName: string): Promise<WebhookEndpoint & { secret: string }> {
    const endpoint = await this.get(id, keyName)
    const secret = newSecret()
    await this.#webhooks.setSecret(endpoint.id, keyName, secret)
    return { ...endpoint, secret }
  }

  /** A page of the endpoint's attempts, newest first. */
  async attempts(
    id: string,
    keyName: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ data: Array<Omit<WebhookAttempt, 'id'> & { id: string }>; nextCursor: string | null }> {
    const endpoint = await this.get(id, keyName)
    const before = cursor === undefined ? null : decodeAttemptsCursor(cursor)
    const rows = await this.#webhooks.attempts(endpoint.id, before, limit)
    const data = rows.slice(0, limit)
    const last = data.at(-1)
    return {
      data: data.map((a) => ({ ...a, id: String(a.id) })),
      nextCursor: rows.length > limit && last !== undefined ? encodeAttemptsCursor(last.id) : null,
    }
  }

  /**
   * Sends the endpoint a signed test event now (type `webhook_endpoint.test`, the endpoint as
   * its object), whether or not it is enabled, and says what the receiver answered. It is not
   * recorded: not in the feed, not among the attempts.
   */
  async test(id: string, keyName: string): Promise<TestDelivery> {
    const store = requireStore(this.#store)
    const endpoint = await store.webhooks.getWithSecret(id, keyName)
    if (endpoint === undefined) throw notFound(NOT_FOUND)
    const { secret, ...shown } = endpoint
    const sentAt = new Date(store.clock.now())
    const eventId = `evt_test_${randomBytes(12).toString('base64url')}`
    const at = sentAt.toISOString()
    const payload = JSON.stringify({
      id: eventId,
      type: TEST_EVENT_TYPE,
      connection: null,
      origin: 'switchboard',
      observedAt: at,
      timestamp: at,
      data: { object: shown },
    })
    const { webhooks } = this.#config
    const dispatcher = createWebhookDispatcher({
      allowPrivate: webhooks.allowPrivateNetworks,
      timeoutMs: webhooks.timeoutMs,
    })
    try {
      const result = await sendSigned(dispatcher, { url: shown.url, secret }, eventId, payload, {
        sentAt,
        clock: store.clock,
        timeoutMs: webhooks.timeoutMs,
      })
      const delivered = result.status !== null && result.status >= 200 && result.status < 300 && result.error === null
      return {
        eventId,
        delivered,
        statusCode: result.status,
        durationMs: result.durationMs,
        error: delivered ? null : (result.error ?? `answered ${result.status}`),
      }
    } finally {
      await dispatcher.close()
    }
  }

  /** Queues again every event the endpoint wants after a feed cursor or a time; returns how many. */
  async replay(
    id: string,
    keyName: string,
    from: { cursor?: string; since?: string },
    connections: readonly string[],
  ): Promise<number> {
    const store = requireStore(this.#store)
    const endpoint = await this.get(id, keyName)
    const after =
      from.cursor !== undefined ? decodeFeedCursor(from.cursor) : await store.events.seqBefore(from.since as string)
    return store.webhooks.replay(endpoint.id, keyName, after, connections)
  }
}
