/**
 * Works the operation queues: for each connection, the gateway holding its operations lease
 * (the sync's lease pattern, under its own name) runs the queued writes one at a time in
 * queue order, so writes to one record keep the order they were sent in. A run is the write's
 * own route, called in-process (see runs.ts); its upstream calls take the committed lane.
 *
 * - A run that ended before anything was written (an open circuit, an upstream that did not
 *   answer before the write left) goes back to its place and is tried again after a backoff.
 * - A run whose answer is known is recorded with its event, retried until the store takes it.
 * - On taking a queue over, operations another gateway left `running` become `unknown`: their
 *   calls may have reached the upstream, which keeps no idempotency of its own, so they are
 *   never sent again on their own.
 */
import type { Store } from '../store/index.js'
import type { FinalState, Outcome, StoredOperation } from '../store/operations.js'

/** How long a queue's lease lasts unless renewed; a running operation renews it. */
const LEASE_MS = 30_000
/**
 * An empty queue (or one another gateway works) is looked at this often. A write queued here
 * wakes its worker at once (`nudge`), and the holder of a queue gives its lease up when the
 * queue is empty, so this only bounds how soon a write queued by a gateway that died before
 * working it is found.
 */
const IDLE_POLL_MS = 5 * 60_000
/** Statuses of runs that wrote nothing and may work later: retried rather than failed. */
const RETRYABLE = new Set([429, 502, 503, 504])
const FIRST_RETRY_MS = 2_000
const MAX_RETRY_MS = 5 * 60_000
/** Runs begun before a write that keeps finding its upstream unavailable is given up as failed. */
const MAX_ATTEMPTS = 20
/** How long a known outcome waits between tries to record it while the store is unreachable. */
const RECORD_RETRY_MS = 1_000

/** What running an operation answered. */
export interface RunAnswer extends Outcome {
  /** Whether any upstream write left: then it is never run again. */
  wrote: boolean
}

export interface OperationWorkerOptions {
  store: Store
  connections: readonly string[]
  /** This gateway, as leases and claims name it. */
  holder: string
  /** The only gateway: a lease held by another process is its dead predecessor's, taken at once. */
  alone: boolean
  run(operation: StoredOperation): Promise<RunAnswer>
  /** The operation as its event carries it. */
  view(operation: StoredOperation): unknown
  onAbandoned(connection: string, count: number): void
  onError(err: unknown): void
}

/** The lease of a connection's queue, apart from its sync's. */
function queueLease(connection: string): string {
  return `operations:${connection}`
}

export function retryDelay(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1))
}

/**
 * A 2xx succeeded; a 4xx failed (nothing was written, or the upstream refused it); a 5xx after
 * a write left (an upstream that did not answer in time, a failure mid-way) is `unknown`.
 */
function finalState(answer: RunAnswer): FinalState {
  if (answer.status < 400) return 'succeeded'
  return answer.wrote && answer.status >= 500 ? 'unknown' : 'failed'
}

export class OperationWorker {
  readonly #options: OperationWorkerOptions
  readonly #abort = new AbortController()
  readonly #wakers = new Map<string, () => void>()
  #loops: Array<Promise<void>> = []

  constructor(options: OperationWorkerOptions) {
    this.#options = options
  }

  start(): void {
    if (this.#loops.length > 0) return
    this.#loops = this.#options.connections.map((connection) => this.#work(connection))
  }

  /** Stops after the runs under way and gives the leases up. */
  async stop(): Promise<void> {
    this.#abort.abort()
    for (const wake of this.#wakers.values()) wake()
    await Promise.allSettled(this.#loops)
    const { store, connections, holder } = this.#options
    await Promise.allSettled(connections.map((c) => store.leases.release(queueLease(c), holder)))
  }

  /** Something was queued for the connection: look now rather than at the next poll. */
  nudge(connection: string): void {
    this.#wakers.get(connection)?.()
  }

  async #work(connection: string): Promise<void> {
    const { store, holder, alone } = this.#options
    const signal = this.#abort.signal
    const acquire = () => store.leases.acquire(queueLease(connection), holder, LEASE_MS, alone)
    let held = false
    while (!signal.aborted) {
      let pause = IDLE_POLL_MS
      try {
        // Nothing waits or runs: no lease is needed, and none is held.
        if (store.available && (held || (await store.operations.hasWork(connection)))) {
          if (await acquire()) {
            if (!held) {
              const abandoned = await store.operations.abandon(connection, holder, this.#options.view)
              if (abandoned > 0) this.#options.onAbandoned(connection, abandoned)
            }
            held = true
            const next = await store.operations.claimNext(connection, holder)
            if (next === null) {
              // Empty: the lease goes, so that a gateway where a write is queued next takes it at once.
              await store.leases.release(queueLease(connection), holder)
              held = false
              if (await store.operations.hasWork(connection)) continue
            } else if (next === 'wait') {
              // The head waits for its retry; the lease is kept, and renewed at each look.
              const due = (await store.operations.nextDue(connection)) ?? store.clock.now()
              pause = Math.min(LEASE_MS / 3, Math.max(0, due - store.clock.now()))
            } else {
              const renew = store.clock.setInterval(() => void acquire().catch(() => undefined), LEASE_MS / 3)
              await this.#run(next).finally(() => store.clock.clearInterval(renew))
              continue
            }
          } else held = false
        }
      } catch (err) {
        if (signal.aborted) break
        held = false
        this.#options.onError(err)
      }
      await this.#sleep(connection, pause)
    }
  }

  /** Sleeps `ms`, or until nudged or stopped. */
  async #sleep(connection: string, ms: number): Promise<void> {
    const { clock } = this.#options.store
    const woken = new AbortController()
    const stop = () => woken.abort()
    this.#wakers.set(connection, stop)
    this.#abort.signal.addEventListener('abort', stop, { once: true })
    try {
      await clock.sleep(ms, woken.signal)
    } finally {
      this.#abort.signal.removeEventListener('abort', stop)
      if (this.#wakers.get(connection) === stop) this.#wakers.delete(connection)
    }
  }

  async #run(operation: StoredOperation): Promise<void> {
    const { store } = this.#options
    let answer: RunAnswer
    try {
      answer = await this.#options.run(operation)
    } catch (err) {
      // No answer to tell what happened: its calls may have left.
      this.#options.onError(err)
      answer = { status: 500, result: null, location: null, calls: 0, wrote: true }
    }
    if (!answer.wrote && RETRYABLE.has(answer.status) && operation.attempts < MAX_ATTEMPTS) {
      await store.operations.retryLater(operation.id, store.clock.now() + retryDelay(operation.attempts))
      return
    }
    // The outcome is recorded, whatever the store's state, unless this gateway stops.
    const state = finalState(answer)
    while (!this.#abort.signal.aborted) {
      try {
        await store.operations.finish(operation.id, answer, state, this.#options.view)
        return
      } catch (err) {
        this.#options.onError(err)
        await store.clock.sleep(RECORD_RETRY_MS, this.#abort.signal)
      }
    }
  }
}
