/**
 * Operations as the routes see them: a write queued instead of run (bounded per key and per
 * connection), read back with its place in the queue and an estimate of its start, listed,
 * canceled while queued, and waited for a bounded time (`Prefer: wait`).
 */
import type { OperationsConfig } from '../config.js'
import { decodePageCursor, encodePageCursor } from '../cursor.js'
import { notFound, operationNotCancelable, operationQueueFull } from '../errors.js'
import type { Operation } from '../schemas/operation.js'
import type { Store } from '../store/index.js'
import type { NewOperation, OperationState, QueueDepth, StoredOperation } from '../store/operations.js'

export type { QueueDepth } from '../store/operations.js'
import { requireStore } from './events.js'

/** Upstream calls an operation is taken to cost before the connection's first ones ran. */
const DEFAULT_CALLS = 2
/** How often a bounded wait (`Prefer: wait`) looks whether its operation has run. */
const WAIT_POLL_MS = 100
const LIST_CURSOR = 'operations'
const NOT_FOUND = 'No operation of this key has that id'

export interface OperationRecordsOptions {
  config: OperationsConfig
  /** The spacing of a connection's calls at its rate limit (ms). */
  intervalOf(connection: string): number
}

export interface OperationQuery {
  keyName: string
  connections: readonly string[] | null
  states: readonly OperationState[] | null
  cursor?: string
  limit: number
}

/** What a client can do about an operation whose outcome is unknown. */
function resolutionOf(operation: StoredOperation): string {
  return (
    `The gateway running ${operation.method} ${operation.path} stopped while its upstream calls were under way, so the write may or may not have reached ${operation.connection}. ` +
    'Read the record (or list the connection’s newest records) to see whether it took effect, and send the write again only if it did not: ' +
    'the upstream keeps no idempotency of its own, so sending it again blindly may write twice.'
  )
}

function recordIdOf(body: unknown): string | null {
  if (body === null || typeof body !== 'object') return null
  const id = (body as { id?: unknown }).id
  return typeof id === 'string' ? id : null
}

/** The operation as the API answers it; `queue` only while it is queued. */
export function operationView(
  operation: StoredOperation,
  queue: { position: number; estimatedStartAt: string } | null = null,
): Operation {
  const succeeded = operation.state === 'succeeded'
  return {
    id: operation.id,
    state: operation.state,
    connection: operation.connection,
    request: { method: operation.method, path: operation.path, body: operation.body },
    createdAt: operation.createdAt,
    startedAt: operation.startedAt,
    finishedAt: operation.finishedAt,
    attempts: operation.attempts,
    position: queue?.position ?? null,
    estimatedStartAt: queue?.estimatedStartAt ?? null,
    result:
      succeeded && operation.status !== null
        ? {
            status: operation.status,
            location: operation.location,
            id: recordIdOf(operation.result),
            body: operation.result,
          }
        : null,
    problem:
      operation.status !== null && operation.status >= 400 ? (operation.result as Record<string, unknown>) : null,
    resolution: operation.state === 'unknown' ? resolutionOf(operation) : null,
  }
}

export class OperationRecords {
  readonly #store: Store | null
  readonly #options: OperationRecordsOptions

  constructor(store: Store | null, options: OperationRecordsOptions) {
    this.#store = store
    this.#options = options
  }

  /** Whether writes can be queued at all (they live in the store). */
  get kept(): boolean {
    return this.#store !== null
  }

  /** How long one operation of the connection takes at its rate limit, by what the last ones cost. */
  async #perOperationMs(connection: string): Promise<number> {
    const calls = (await requireStore(this.#store).operations.meanCalls(connection)) ?? DEFAULT_CALLS
    return Math.max(1, calls) * this.#options.intervalOf(connection)
  }

  /** Queues a write; 429 when the key's or the connection's queue is full. */
  async enqueue(input: NewOperation): Promise<Operation> {
    const store = requireStore(this.#store)
    const { config } = this.#options
    const bounds = { perKey: config.maxQueuedPerKey, perConnection: config.maxQueuedPerConnection }
    const enqueued = await store.operations.enqueue(input, bounds)
    if ('full' in enqueued) {
      const retryAfter = Math.ceil((await this.#perOperationMs(input.connection)) / 1000)
      throw enqueued.full === 'key'
        ? operationQueueFull('This API key', bounds.perKey, retryAfter)
        : operationQueueFull(`The connection ${input.connection}`, bounds.perConnection, retryAfter)
    }
    return this.#view(enqueued.queued)
  }

  async #view(operation: StoredOperation): Promise<Operation> {
    if (operation.state !== 'queued') return operationView(operation)
    const store = requireStore(this.#store)
    const ahead = await store.operations.ahead(operation)
    const start = Math.max(store.clock.now(), operation.notBefore)
    const wait = (ahead.queued + ahead.running) * (await this.#perOperationMs(operation.connection))
    return operationView(operation, {
      position: ahead.queued + 1,
      estimatedStartAt: new Date(start + wait).toISOString(),
    })
  }

  async #stored(id: string, keyName: string): Promise<StoredOperation> {
    const operation = await requireStore(this.#store).operations.get(id, keyName)
    if (operation === undefined) throw notFound(NOT_FOUND)
    return operation
  }

  async get(id: string, keyName: string): Promise<Operation> {
    return this.#view(await this.#stored(id, keyName))
  }

  async list(query: OperationQuery): Promise<{ data: Operation[]; nextCursor: string | null }> {
    const store = requireStore(this.#store)
    const before = query.cursor === undefined ? null : decodePageCursor(LIST_CURSOR, query.cursor, ['b']).b
    const rows = await store.operations.list({
      keyName: query.keyName,
      connections: query.connections,
      states: query.states,
      beforeSeq: before,
      limit: query.limit,
    })
    const page = rows.slice(0, query.limit)
    const last = page.at(-1)
    return {
      data: await Promise.all(page.map((operation) => this.#view(operation))),
      nextCursor:
        rows.length > query.limit && last !== undefined ? encodePageCursor(LIST_CURSOR, { b: last.seq }) : null,
    }
  }

  /** Cancels a queued operation; 409 once it has begun. */
  async cancel(id: string, keyName: string): Promise<Operation> {
    await this.#stored(id, keyName)
    const operation = await requireStore(this.#store).operations.cancel(id, keyName)
    if (operation === undefined) throw notFound(NOT_FOUND)
    if (operation.state !== 'canceled') throw operationNotCancelable(operation.state)
    return this.#view(operation)
  }

  /** The operation once it has run, or as it is after `waitMs`, whichever comes first. */
  async waitFor(id: string, keyName: string, waitMs: number): Promise<StoredOperation> {
    const store = requireStore(this.#store)
    const deadline = store.clock.now() + waitMs
    for (;;) {
      const operation = await this.#stored(id, keyName)
      const remaining = deadline - store.clock.now()
      if ((operation.state !== 'queued' && operation.state !== 'running') || remaining <= 0) return operation
      await store.clock.sleep(Math.min(WAIT_POLL_MS, remaining))
    }
  }

  /** Each connection's queue; null without a store, or while it does not answer. */
  async depths(): Promise<Map<string, QueueDepth> | null> {
    if (this.#store === null || !this.#store.available) return null
    return this.#store.operations.depths().catch(() => null)
  }
}
