/**
 * Webhook endpoints (each belongs to the API key that created it) and the delivery outbox.
 * Deliveries are claimed by one replica at a time: a claim is a lease (`locked_until`) taken
 * in one transaction, with `FOR UPDATE SKIP LOCKED` in PostgreSQL so replicas claiming at once
 * take different rows (SQLite has one writer). A replica that dies holding a claim loses it
 * when the lease runs out, and the delivery is made again: at least once. Only the oldest
 * pending delivery of a record per endpoint is claimable, so each endpoint gets a record's
 * events in order.
 */
import type { Kysely } from 'kysely'
import type { StoreDb } from './db.js'
import { isoNow } from '../clock.js'
import { receivingWhere } from './audience.js'
import { type ChangeEvent, appendEvents, pendingDelivery } from './events.js'
import type { StoreTables } from './tables.js'

export interface WebhookEndpoint {
  id: string
  url: string
  description: string | null
  eventTypes: string[]
  connections: string[] | null
  status: 'enabled' | 'disabled'
  disabledReason: string | null
  createdAt: string
  updatedAt: string
}

export interface NewEndpoint {
  id: string
  keyName: string
  url: string
  description: string | null
  eventTypes: string[]
  connections: string[] | null
  secret: string
}

export interface EndpointPatch {
  url?: string
  description?: string | null
  eventTypes?: string[]
  connections?: string[] | null
  enabled?: boolean
}

/** A delivery claimed for sending, with what sending it needs. */
export interface ClaimedDelivery {
  id: number
  attempts: number
  firstAttemptAt: number | null
  eventSeq: number
  endpoint: { id: string; url: string; secret: string; keyName: string }
  event: ChangeEvent
  /** The event as recorded: the body sent, byte for byte the same on every attempt. */
  payload: string
}

export interface WebhookAttempt {
  id: number
  eventId: string
  eventType: string
  attemptedAt: string
  statusCode: number | null
  error: string | null
  durationMs: number
  succeeded: boolean
}

type EndpointRow = StoreTables['webhook_endpoints']

function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.event_types) as string[],
    connections: row.connections === null ? null : (JSON.parse(row.connections) as string[]),
    status: row.status === 'disabled' ? 'disabled' : 'enabled',
    disabledReason: row.disabled_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export class WebhookStore {
  readonly #store: StoreDb

  constructor(store: StoreDb) {
    this.#store = store
  }

  async create(input: NewEndpoint): Promise<WebhookEndpoint> {
    const now = isoNow(this.#store.clock)
    const row: EndpointRow = {
      id: input.id,
      key_name: input.keyName,
      url: input.url,
      description: input.description,
      event_types: JSON.stringify(input.eventTypes),
      connections: input.connections === null ? null : JSON.stringify(input.connections),
      secret: input.secret,
      status: 'enabled',
      disabled_reason: null,
      created_at: now,
      updated_at: now,
    }
    await this.#store.db.insertInto('webhook_endpoints').values(row).execute()
    return toEndpoint(row)
  }

  async #row(id: string, keyName: string): Promise<EndpointRow | undefined> {
    return this.#store.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .where('key_name', '=', keyName)
      .executeTakeFirst()
  }

  /** The key's endpoint (another key's is not found). */
  async get(id: string, keyName: string): Promise<WebhookEndpoint | undefined> {
    const row = await this.#row(id, keyName)
    return row === undefined ? undefined : toEndpoint(row)
  }

  /** The endpoint with its signing secret, for a send outside the outbox (a test event). */
  async getWithSecret(id: string, keyName: string): Promise<(WebhookEndpoint & { secret: string }) | undefined> {
    const row = await this.#row(id, keyName)
    return row === undefined ? undefined : { ...toEndpoint(row), secret: row.secret }
  }

  async list(keyName: string): Promise<WebhookEndpoint[]> {
    const rows = await this.#store.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('key_name', '=', keyName)
      .orderBy('created_at')
      .orderBy('id')
      .execute()
    return rows.map(toEndpoint)
  }

  async update(id: string, keyName: string, patch: EndpointPatch): Promise<WebhookEndpoint | undefined> {
    const set: Partial<EndpointRow> = { updated_at: isoNow(this.#store.clock) }
    if (patch.url !== undefined) set.url = patch.url
    if (patch.description !== undefined) set.description = patch.description
    if (patch.eventTypes !== undefined) set.event_types = JSON.stringify(patch.eventTypes)
    if (patch.connections !== undefined)
      set.connections = patch.connections === null ? null : JSON.stringify(patch.connections)
    if (patch.enabled !== undefined) {
      set.status = patch.enabled ? 'enabled' : 'disabled'
      set.disabled_reason = patch.enabled ? null : 'disabled through the API'
    }
    await this.#store.db
      .updateTable('webhook_endpoints')
      .set(set)
      .where('id', '=', id)
      .where('key_name', '=', keyName)
      .execute()
    return this.get(id, keyName)
  }

  async setSecret(id: string, keyName: string, secret: string): Promise<boolean> {
    const result = await this.#store.db
      .updateTable('webhook_endpoints')
      .set({ secret, updated_at: isoNow(this.#store.clock) })
      .where('id', '=', id)
      .where('key_name', '=', keyName)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) > 0
  }

  /** Deletes the endpoint; its pending deliveries are cancelled. */
  async remove(id: string, keyName: string): Promise<boolean> {
    return this.#store.db.transaction().execute(async (trx) => {
      const result = await trx
        .deleteFrom('webhook_endpoints')
        .where('id', '=', id)
        .where('key_name', '=', keyName)
        .executeTakeFirst()
      if (Number(result.numDeletedRows) === 0) return false
      await trx
        .updateTable('webhook_deliveries')
        .set({ status: 'cancelled' })
        .where('endpoint_id', '=', id)
        .where('status', '=', 'pending')
        .execute()
      return true
    })
  }

  /** Queues again every event after `afterSeq` the endpoint wants; returns how many. */
  async replay(id: string, keyName: string, afterSeq: number, connections: readonly string[]): Promise<number> {
    const row = await this.#row(id, keyName)
    if (row === undefined) return 0
    const endpoint = toEndpoint(row)
    const allowed =
      endpoint.connections === null ? connections : connections.filter((c) => endpoint.connections?.includes(c))
    const audience = { keyName, connections: allowed, types: endpoint.eventTypes }
    const events = await this.#store.db
      .selectFrom('events')
      .select(['seq', 'record_id'])
      .where('seq', '>', afterSeq)
      .where((eb) => receivingWhere(eb, audience))
      .orderBy('seq')
      .execute()
    const now = this.#store.clock.now()
    for (let i = 0; i < events.length; i += 200) {
      await this.#store.db
        .insertInto('webhook_deliveries')
        .values(events.slice(i, i + 200).map((e) => pendingDelivery(id, Number(e.seq), e.record_id, now)))
        .execute()
    }
    return events.length
  }

  /**
   * Claims up to `limit` due deliveries for `holder` for `leaseMs`, none to the endpoints in
   * `skip` (those that have as many attempts in flight as they may).
   */
  async claim(
    holder: string,
    limit: number,
    leaseMs: number,
    skip: readonly string[] = [],
  ): Promise<ClaimedDelivery[]> {
    const { db, dialect } = this.#store
    const now = this.#store.clock.now()
    return db.transaction().execute(async (trx) => {
      let due = trx
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .select('d.id')
        .where('d.status', '=', 'pending')
        .where('e.status', '=', 'enabled')
        .where('d.next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('d.locked_until', 'is', null), eb('d.locked_until', '<', now)]))
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('webhook_deliveries as p')
                .select('p.id')
                .whereRef('p.endpoint_id', '=', 'd.endpoint_id')
                .whereRef('p.record_id', '=', 'd.record_id')
                .where('p.status', '=', 'pending')
                .whereRef('p.event_seq', '<', 'd.event_seq'),
            ),
          ),
        )
        .orderBy('d.event_seq')
        .limit(limit)
      if (skip.length > 0) due = due.where('d.endpoint_id', 'not in', skip)
      if (dialect === 'postgres') due = due.forUpdate('d').skipLocked()
      const ids = (await due.execute()).map((r) => Number(r.id))
      if (ids.length === 0) return []
      await trx
        .updateTable('webhook_deliveries')
        .set({ locked_by: holder, locked_until: now + leaseMs })
        .where('id', 'in', ids)
        .execute()
      const rows = await trx
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .leftJoin('events as v', 'v.seq', 'd.event_seq')
        .select([
          'd.id',
          'd.attempts',
          'd.first_attempt_at',
          'd.event_seq',
          'e.id as endpoint_id',
          'e.url',
          'e.secret',
          'e.key_name',
          'v.payload',
        ])
        .where('d.id', 'in', ids)
        .orderBy('d.event_seq')
        .execute()
      const claimed: ClaimedDelivery[] = []
      for (const row of rows) {
        if (row.payload === null) {
          // Retention removed the event: nothing is left to send.
          await trx.updateTable('webhook_deliveries').set({ status: 'cancelled' }).where('id', '=', row.id).execute()
          continue
        }
        claimed.push({
          id: Number(row.id),
          attempts: row.attempts,
          firstAttemptAt: row.first_attempt_at === null ? null : Number(row.first_attempt_at),
          eventSeq: Number(row.event_seq),
          endpoint: { id: row.endpoint_id, url: row.url, secret: row.secret, keyName: row.key_name },
          event: JSON.parse(row.payload) as ChangeEvent,
          payload: row.payload,
        })
      }
      return claimed
    })
  }

  /** Records an attempt and what follows from it: done, retried at `retryAt`, or given up (`reason`). */
  async settle(
    delivery: ClaimedDelivery,
    attempt: Omit<WebhookAttempt, 'id' | 'eventId' | 'eventType'>,
    next:
      | { status: 'succeeded' | 'cancelled' }
      | { status: 'pending'; retryAt: number }
      | { status: 'failed'; reason: string },
  ): Promise<void> {
    await this.#store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({
          endpoint_id: delivery.endpoint.id,
          event_id: delivery.event.id,
          event_type: delivery.event.type,
          attempted_at: attempt.attemptedAt,
          status_code: attempt.statusCode,
          error: attempt.error,
          duration_ms: Math.round(attempt.durationMs),
          succeeded: attempt.succeeded ? 1 : 0,
        })
        .execute()
      await trx
        .updateTable('webhook_deliveries')
        .set({
          status: next.status,
          attempts: delivery.attempts + 1,
          first_attempt_at: delivery.firstAttemptAt ?? Date.parse(attempt.attemptedAt),
          next_attempt_at: next.status === 'pending' ? next.retryAt : this.#store.clock.now(),
          locked_by: null,
          locked_until: null,
        })
        .where('id', '=', delivery.id)
        .execute()
      if (next.status === 'failed') await this.#disable(trx, delivery.endpoint, next.reason)
    })
  }

  /** Gives claimed deliveries back unattempted, for any gateway to claim again at once. */
  async unclaim(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return
    await this.#store.db
      .updateTable('webhook_deliveries')
      .set({ locked_by: null, locked_until: null })
      .where('id', 'in', ids)
      .execute()
  }

  /** Cancels a claimed delivery without an attempt (the key may no longer use the connection). */
  async cancel(delivery: ClaimedDelivery): Promise<void> {
    await this.#store.db
      .updateTable('webhook_deliveries')
      .set({ status: 'cancelled', locked_by: null, locked_until: null })
      .where('id', '=', delivery.id)
      .execute()
  }

  /** Disables the endpoint and records an event saying so, for its key. */
  async #disable(trx: Kysely<StoreTables>, endpoint: ClaimedDelivery['endpoint'], reason: string): Promise<void> {
    const now = isoNow(this.#store.clock)
    await trx
      .updateTable('webhook_endpoints')
      .set({ status: 'disabled', disabled_reason: reason, updated_at: now })
      .where('id', '=', endpoint.id)
      .execute()
    const row = await trx.selectFrom('webhook_endpoints').selectAll().where('id', '=', endpoint.id).executeTakeFirst()
    if (row === undefined) return
    await appendEvents(trx, this.#store, [
      {
        type: 'webhook_endpoint.disabled',
        connection: null,
        keyName: endpoint.keyName,
        recordId: endpoint.id,
        origin: 'switchboard',
        object: toEndpoint(row),
      },
    ])
  }

  /** The endpoint's attempts, newest first, before the attempt `beforeId` when given. */
  async attempts(id: string, beforeId: number | null, limit: number): Promise<WebhookAttempt[]> {
    let select = this.#store.db.selectFrom('webhook_attempts').selectAll().where('endpoint_id', '=', id)
    if (beforeId !== null) select = select.where('id', '<', beforeId)
    const rows = await select
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute()
    return rows.map((r) => ({
      id: Number(r.id),
      eventId: r.event_id,
      eventType: r.event_type,
      attemptedAt: r.attempted_at,
      statusCode: r.status_code,
      error: r.error,
      durationMs: r.duration_ms,
      succeeded: r.succeeded === 1,
    }))
  }

  /** For the metrics: pending deliveries, the age of the oldest one due, disabled endpoints. */
  async stats(): Promise<{ pending: number; oldestDueMs: number; disabled: number }> {
    const now = this.#store.clock.now()
    const { db } = this.#store
    const pending = await db
      .selectFrom('webhook_deliveries')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('next_attempt_at').as('oldest')])
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow()
    const disabled = await db
      .selectFrom('webhook_endpoints')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'disabled')
      .executeTakeFirstOrThrow()
    const oldest = pending.oldest === null ? now : Number(pending.oldest)
    return { pending: Number(pending.n), oldestDueMs: Math.max(0, now - oldest), disabled: Number(disabled.n) }
  }
}
