/**
 * Writes a client asked to run later, kept until they ran: one queue per connection, run in
 * `seq` order by the gateway holding the connection's operations lease (see
 * src/operations/worker.ts). States: `queued` → `running` → `succeeded` | `failed`; `queued`
 * → `canceled`; a `running` one whose gateway died (or lost the lease) becomes `unknown` and is
 * never run again on its own. An outcome is recorded with its event, in one transaction.
 */
import { randomBytes } from 'node:crypto'
import { type Kysely, type Selectable, sql } from 'kysely'
import { isoNow } from '../clock.js'
import type { StoreDb } from './db.js'
import { appendEvents } from './events.js'
import type { StoreTables } from './tables.js'

export type OperationState = 'queued' | 'running' | 'succeeded' | 'failed' | 'unknown' | 'canceled'
/** How a run ends: `unknown` when its write left and no answer says what became of it. */
export type FinalState = 'succeeded' | 'failed' | 'unknown'

/** The states that hold a place in a queue, counted against its bounds. */
const WAITING_STATES: readonly OperationState[] = ['queued', 'running']

export interface StoredOperation {
  seq: number
  id: string
  connection: string
  keyName: string
  state: OperationState
  method: string
  path: string
  body: unknown
  traceparent: string | null
  createdAt: string
  queuedAtMs: number
  notBefore: number
  attempts: number
  startedAt: string | null
  finishedAt: string | null
  status: number | null
  /** The answer's body: the record (or what the route answers), or the problem. */
  result: unknown
  location: string | null
  calls: number | null
}

export interface NewOperation {
  connection: string
  keyName: string
  method: string
  path: string
  body: unknown
  traceparent: string | null
}

/** The most operations waiting, per key and per connection. */
export interface QueueBounds {
  perKey: number
  perConnection: number
}

export type Enqueued = { queued: StoredOperation } | { full: 'key' | 'connection' }

export interface Outcome {
  status: number
  result: unknown
  location: string | null
  calls: number
}

export interface QueueDepth {
  queued: number
  running: number
  /** When the oldest operation still waiting was queued (ms), or null. */
  oldestQueuedAtMs: number | null
}

/** The advisory lock that serializes enqueues in PostgreSQL, so bounds hold under concurrency. */
const ENQUEUE_LOCK = 7_240_715_002

type Row = Selectable<StoreTables['operations']>

function toOperation(row: Row): StoredOperation {
  return {
    seq: Number(row.seq),
    id: row.id,
    connection: row.connection,
    keyName: row.key_name,
    state: row.state as OperationState,
    method: row.method,
    path: row.path,
    body: row.body === null ? null : (JSON.parse(row.body) as unknown),
    traceparent: row.traceparent,
    createdAt: row.created_at,
    queuedAtMs: Number(row.queued_at_ms),
    notBefore: Number(row.not_before),
    attempts: row.attempts,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    location: row.location,
    calls: row.calls,
  }
}

function newOperationId(): string {
  return `op_${randomBytes(12).toString('base64url')}`
}

export class OperationStore {
  readonly #store: StoreDb

  constructor(store: StoreDb) {
    this.#store = store
  }

  /** Queues an operation unless its key's or its connection's queue is full. */
  async enqueue(input: NewOperation, bounds: QueueBounds): Promise<Enqueued> {
    const { db, dialect, clock } = this.#store
    return db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${ENQUEUE_LOCK})`.execute(trx)
      const waiting = (column: 'key_name' | 'connection', value: string) =>
        trx
          .selectFrom('operations')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where(column, '=', value)
          .where('state', 'in', WAITING_STATES)
          .executeTakeFirstOrThrow()
      if (Number((await waiting('key_name', input.keyName)).n) >= bounds.perKey) return { full: 'key' as const }
      if (Number((await waiting('connection', input.connection)).n) >= bounds.perConnection)
        return { full: 'connection' as const }
      const now = clock.now()
      const row = await trx
        .insertInto('operations')
        .values({
          id: newOperationId(),
          connection: input.connection,
          key_name: input.keyName,
          state: 'queued',
          method: input.method,
          path: input.path,
          body: input.body === undefined || input.body === null ? null : JSON.stringify(input.body),
          traceparent: input.traceparent,
          created_at: new Date(now).toISOString(),
          queued_at_ms: now,
          not_before: now,
          attempts: 0,
          holder: null,
          started_at: null,
          finished_at: null,
          status: null,
          result: null,
          location: null,
          calls: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return { queued: toOperation(row) }
    })
  }

  /** One of the key's operations (another key's is not found). */
  async get(id: string, keyName: string): Promise<StoredOperation | undefined> {
    const row = await this.#store.db
      .selectFrom('operations')
      .selectAll()
      .where('id', '=', id)
      .where('key_name', '=', keyName)
      .executeTakeFirst()
    return row === undefined ? undefined : toOperation(row)
  }

  /** The key's operations, newest first, before `beforeSeq` when given; one more than `limit` when there are. */
  async list(query: {
    keyName: string
    connections: readonly string[] | null
    states: readonly OperationState[] | null
    beforeSeq: number | null
    limit: number
  }): Promise<StoredOperation[]> {
    let select = this.#store.db.selectFrom('operations').selectAll().where('key_name', '=', query.keyName)
    if (query.connections !== null) select = select.where('connection', 'in', query.connections)
    if (query.states !== null) select = select.where('state', 'in', query.states)
    if (query.beforeSeq !== null) select = select.where('seq', '<', query.beforeSeq)
    const rows = await select
      .orderBy('seq', 'desc')
      .limit(query.limit + 1)
      .execute()
    return rows.map(toOperation)
  }

  /** Cancels a queued operation; the operation as it is now, canceled or not. */
  async cancel(id: string, keyName: string): Promise<StoredOperation | undefined> {
    await this.#store.db
      .updateTable('operations')
      .set({ state: 'canceled', finished_at: isoNow(this.#store.clock) })
      .where('id', '=', id)
      .where('key_name', '=', keyName)
      .where('state', '=', 'queued')
      .execute()
    return this.get(id, keyName)
  }

  /**
   * Operations another gateway was running when it died or lost the lease become `unknown`:
   * their upstream calls may or may not have been made, so they are never run again on their
   * own. Returns how many.
   */
  async abandon(
    connection: string,
    holder: string,
    eventObject: (operation: StoredOperation) => unknown,
  ): Promise<number> {
    const store = this.#store
    return store.db.transaction().execute(async (trx) => {
      const rows = await trx
        .updateTable('operations')
        .set({ state: 'unknown', finished_at: isoNow(store.clock) })
        .where('connection', '=', connection)
        .where('state', '=', 'running')
        .where((eb) => eb.or([eb('holder', 'is', null), eb('holder', '<>', holder)]))
        .returningAll()
        .execute()
      for (const row of rows) {
        const operation = toOperation(row)
        await appendOutcome(trx, store, operation, eventObject(operation))
      }
      return rows.length
    })
  }

  /**
   * Takes the connection's next operation to run, if it is due: the queue is worked in order,
   * so one held back for a retry holds back those after it.
   */
  async claimNext(connection: string, holder: string): Promise<StoredOperation | 'wait' | null> {
    const { db, clock } = this.#store
    return db.transaction().execute(async (trx) => {
      const next = await trx
        .selectFrom('operations')
        .selectAll()
        .where('connection', '=', connection)
        .where('state', '=', 'queued')
        .orderBy('seq')
        .limit(1)
        .executeTakeFirst()
      if (next === undefined) return null
      if (Number(next.not_before) > clock.now()) return 'wait'
      const claimed = await trx
        .updateTable('operations')
        .set({ state: 'running', holder, started_at: isoNow(clock), attempts: next.attempts + 1 })
        .where('id', '=', next.id)
        .where('state', '=', 'queued')
        .returningAll()
        .executeTakeFirst()
      return claimed === undefined ? 'wait' : toOperation(claimed)
    })
  }

  /** Whether any of the connection's operations waits or runs. */
  async hasWork(connection: string): Promise<boolean> {
    const row = await this.#store.db
      .selectFrom('operations')
      .select('id')
      .where('connection', '=', connection)
      .where('state', 'in', WAITING_STATES)
      .limit(1)
      .executeTakeFirst()
    return row !== undefined
  }

  /** When the connection's next queued operation may run (ms), or null when none waits. */
  async nextDue(connection: string): Promise<number | null> {
    const row = await this.#store.db
      .selectFrom('operations')
      .select('not_before')
      .where('connection', '=', connection)
      .where('state', '=', 'queued')
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst()
    return row === undefined ? null : Number(row.not_before)
  }

  /** Puts a running operation back at its place in the queue, to run again at `notBefore`. */
  async retryLater(id: string, notBefore: number): Promise<void> {
    await this.#store.db
      .updateTable('operations')
      .set({ state: 'queued', holder: null, started_at: null, not_before: notBefore })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .execute()
  }

  /**
   * Records how an operation ended and appends its event (`operation.succeeded`, `.failed` or
   * `.unknown`) with it, in one transaction. One that was marked `unknown` meanwhile (its lease was lost
   * mid-run) gets its known outcome after all. Returns the operation as recorded.
   */
  async finish(
    id: string,
    outcome: Outcome,
    state: FinalState,
    eventObject: (operation: StoredOperation) => unknown,
  ): Promise<StoredOperation | undefined> {
    const store = this.#store
    return store.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('operations')
        .set({
          state,
          finished_at: isoNow(store.clock),
          status: outcome.status,
          result: JSON.stringify(outcome.result ?? null),
          location: outcome.location,
          calls: outcome.calls,
        })
        .where('id', '=', id)
        .where('state', 'in', ['running', 'unknown'])
        .returningAll()
        .executeTakeFirst()
      if (row === undefined) return undefined
      const operation = toOperation(row)
      await appendOutcome(trx, store, operation, eventObject(operation))
      return operation
    })
  }

  /** What runs before a queued operation: those queued before it, and those running. */
  async ahead(operation: StoredOperation): Promise<{ queued: number; running: number }> {
    const rows = await this.#store.db
      .selectFrom('operations')
      .select((eb) => ['state', eb.fn.countAll<number>().as('n')])
      .where('connection', '=', operation.connection)
      .where((eb) =>
        eb.or([eb('state', '=', 'running'), eb.and([eb('state', '=', 'queued'), eb('seq', '<', operation.seq)])]),
      )
      .groupBy('state')
      .execute()
    const count = (state: string) => Number(rows.find((r) => r.state === state)?.n ?? 0)
    return { queued: count('queued'), running: count('running') }
  }

  /** The mean upstream calls of the connection's last operations, or null before the first. */
  async meanCalls(connection: string): Promise<number | null> {
    const rows = await this.#store.db
      .selectFrom('operations')
      .select('calls')
      .where('connection', '=', connection)
      .where('state', '=', 'succeeded')
      .orderBy('seq', 'desc')
      .limit(20)
      .execute()
    if (rows.length === 0) return null
    return rows.reduce((sum, r) => sum + (r.calls ?? 0), 0) / rows.length
  }

  /** Each connection's queue: how many wait or run, and since when the oldest waits. */
  async depths(): Promise<Map<string, QueueDepth>> {
    const rows = await this.#store.db
      .selectFrom('operations')
      .select((eb) => ['connection', 'state', eb.fn.countAll<number>().as('n'), eb.fn.min('queued_at_ms').as('oldest')])
      .where('state', 'in', WAITING_STATES)
      .groupBy(['connection', 'state'])
      .execute()
    const depths = new Map<string, QueueDepth>()
    for (const row of rows) {
      const depth = depths.get(row.connection) ?? { queued: 0, running: 0, oldestQueuedAtMs: null }
      if (row.state === 'queued') depth.queued = Number(row.n)
      else depth.running = Number(row.n)
      const oldest = Number(row.oldest)
      if (depth.oldestQueuedAtMs === null || oldest < depth.oldestQueuedAtMs) depth.oldestQueuedAtMs = oldest
      depths.set(row.connection, depth)
    }
    return depths
  }
}

function appendOutcome(
  trx: Kysely<StoreTables>,
  store: StoreDb,
  operation: StoredOperation,
  object: unknown,
): Promise<void> {
  return appendEvents(trx, store, [
    {
      type: `operation.${operation.state as FinalState}`,
      connection: operation.connection,
      keyName: operation.keyName,
      recordId: operation.id,
      origin: 'switchboard',
      object,
    },
  ])
}
