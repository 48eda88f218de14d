/**
 * The change log: every change the store takes in (a write through the gateway, or one the
 * sync found upstream) is appended here, in the same transaction as the change itself, with
 * the record as Switchboard serves it. Appends are serialized (a transaction-scoped advisory
 * lock in PostgreSQL; SQLite has one writer), so `seq` order is commit order and a feed
 * reader resuming after a `seq` never misses an event committed later with a lower one. Each
 * event is fanned out to the webhook endpoints that want it, in the same transaction, as
 * deliveries (the outbox the delivery worker works off).
 */
import { randomBytes } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import { type Audience, receives, receivingWhere } from './audience.js'
import type { StoreDb } from './db.js'
import type { StoreTables } from './tables.js'

export const EVENT_TYPES = [
  'message.created',
  'message.updated',
  'message.deleted',
  'conversation.created',
  'conversation.updated',
  'conversation.deleted',
  'webhook_endpoint.disabled',
  'operation.succeeded',
  'operation.failed',
  'operation.unknown',
] as const
type EventType = (typeof EVENT_TYPES)[number]

/** Who made the change: a write through Switchboard, or the sync finding it upstream. */
export type EventOrigin = 'switchboard' | 'sync'

/** An event as the feed and webhooks serve it. */
export interface ChangeEvent {
  id: string
  type: EventType
  /** The connection of the record; null for events about the key's own webhook endpoints. */
  connection: string | null
  origin: EventOrigin
  /** When Switchboard saw the change (UTC). */
  observedAt: string
  /** The same instant, under the name the Standard Webhooks payload gives it. */
  timestamp: string
  data: { object: unknown }
}

export interface NewEvent {
  type: EventType
  connection: string | null
  /** For events that belong to one API key rather than a connection. */
  keyName?: string
  recordId: string
  origin: EventOrigin
  object: unknown
}

/** The advisory lock that serializes appends in PostgreSQL (an arbitrary, fixed number). */
const APPEND_LOCK = 7_240_715_001

function newEventId(): string {
  return `evt_${randomBytes(12).toString('base64url')}`
}

/** Appends events (inside the caller's transaction) and queues their webhook deliveries. */
export async function appendEvents(
  trx: Kysely<StoreTables>,
  store: Pick<StoreDb, 'dialect' | 'clock'>,
  events: readonly NewEvent[],
) {
  if (events.length === 0) return
  if (store.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`.execute(trx)
  const endpoints = await trx
    .selectFrom('webhook_endpoints')
    .select(['id', 'key_name', 'event_types', 'connections'])
    .where('status', '=', 'enabled')
    .execute()
  const wanting = endpoints.map((e) => ({
    id: e.id,
    audience: {
      keyName: e.key_name,
      types: JSON.parse(e.event_types) as string[],
      connections: e.connections === null ? null : (JSON.parse(e.connections) as string[]),
    },
  }))
  const now = store.clock.now()
  const observedAt = new Date(now).toISOString()
  for (const event of events) {
    const id = newEventId()
    const payload: ChangeEvent = {
      id,
      type: event.type,
      connection: event.connection,
      origin: event.origin,
      observedAt,
      timestamp: observedAt,
      data: { object: event.object },
    }
    const { seq } = await trx
      .insertInto('events')
      .values({
        id,
        type: event.type,
        connection: event.connection,
        key_name: event.keyName ?? null,
        record_id: event.recordId,
        observed_at: observedAt,
        payload: JSON.stringify(payload),
      })
      .returning('seq')
      .executeTakeFirstOrThrow()
    const addressed = { type: event.type, connection: event.connection, keyName: event.keyName ?? null }
    const targets = wanting.filter((e) => receives(e.audience, addressed))
    if (targets.length === 0) continue
    await trx
      .insertInto('webhook_deliveries')
      .values(targets.map((e) => pendingDelivery(e.id, Number(seq), event.recordId, now)))
      .execute()
  }
}

/** A delivery of an event to an endpoint, due at `now`. */
export function pendingDelivery(endpointId: string, eventSeq: number, recordId: string, now: number) {
  return {
    endpoint_id: endpointId,
    event_seq: eventSeq,
    record_id: recordId,
    status: 'pending',
    attempts: 0,
    first_attempt_at: null,
    next_attempt_at: now,
    locked_by: null,
    locked_until: null,
  }
}

export interface EventQuery {
  afterSeq: number
  /** Connections whose events may be shown. */
  connections: readonly string[]
  /** The key asking: its own key-scoped events are shown too. */
  keyName: string
  types?: readonly string[]
  limit: number
}

export class EventLog {
  readonly #store: StoreDb

  constructor(store: StoreDb) {
    this.#store = store
  }

  /** Events after `afterSeq`, oldest first, one more than `limit` when there are. */
  async list(query: EventQuery): Promise<Array<{ seq: number; event: ChangeEvent }>> {
    const audience: Audience = { keyName: query.keyName, connections: query.connections, types: query.types ?? [] }
    const rows = await this.#store.db
      .selectFrom('events')
      .select(['seq', 'payload'])
      .where('seq', '>', query.afterSeq)
      .where((eb) => receivingWhere(eb, audience))
      .orderBy('seq')
      .limit(query.limit + 1)
      .execute()
    return rows.map((r) => {
      const event = JSON.parse(r.payload) as ChangeEvent
      // Events recorded before `timestamp` was part of the payload.
      event.timestamp ??= event.observedAt
      return { seq: Number(r.seq), event }
    })
  }

  /** The newest `seq` retention removed (0 when none): a cursor before it cannot resume. */
  async prunedThrough(): Promise<number> {
    const row = await this.#store.db.selectFrom('event_log').select('pruned_through').executeTakeFirst()
    return Number(row?.pruned_through ?? 0)
  }

  /** The newest `seq` recorded (0 when none). */
  async latestSeq(): Promise<number> {
    const row = await this.#store.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst()
    return Number(row?.seq ?? 0)
  }

  /** The `seq` of the newest event observed before `instant` (0 when none): a replay from that instant starts after it. */
  async seqBefore(instant: string): Promise<number> {
    const row = await this.#store.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('observed_at', '<', new Date(instant).toISOString())
      .executeTakeFirst()
    return Number(row?.seq ?? 0)
  }

  /** Removes events observed before `before` with their finished deliveries. Returns how many went. */
  async prune(before: string): Promise<number> {
    return this.#store.db.transaction().execute(async (trx) => {
      const newest = await trx
        .selectFrom('events')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('observed_at', '<', before)
        .executeTakeFirst()
      const through = Number(newest?.seq ?? 0)
      if (through === 0) return 0
      await trx
        .deleteFrom('webhook_deliveries')
        .where('event_seq', '<=', through)
        .where('status', '<>', 'pending')
        .execute()
      const removed = await trx.deleteFrom('events').where('seq', '<=', through).executeTakeFirst()
      await trx
        .insertInto('event_log')
        .values({ id: 1, pruned_through: through })
        .onConflict((oc) => oc.column('id').doUpdateSet({ pruned_through: through }))
        .execute()
      return Number(removed.numDeletedRows)
    })
  }
}
