/**
 * The PostgreSQL pool as Kysely reaches it, with the guarantees the gateway needs from a store
 * that may crash or vanish behind a partition:
 *
 * - no query without a deadline: the server cancels a statement at `statement_timeout`, and
 *   a client-side deadline a little later covers the server that does not answer at all (a
 *   partition holding the connection open); the connection it was on is destroyed, so no
 *   later query queues behind the lost one;
 * - no uncaught error: the pool's `error` event (an idle client whose server went away) is
 *   handled, never left to end the process;
 * - no waiting on a store known to be down: while it is, `connect` fails at once with
 *   `503 store_unavailable` (see availability.ts), and the first connection failure marks it so.
 */
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely'
import pg from 'pg'
import { ProblemError } from '../errors.js'
import { type StoreAvailability, isConnectionFailure } from './availability.js'
import type { Clock } from '../clock.js'

export interface GuardedPoolOptions {
  connectionString: string
  schema: string
  /** The deadline of one statement (and of opening a connection). */
  timeoutMs: number
  max: number
}

/** Past the server's own statement timeout, how long the client still waits for its answer. */
const CLIENT_DEADLINE_MARGIN_MS = 1_000

/** Options every PostgreSQL connection of the store is opened with (the pool's and the migrations'). */
export function connectionOptions(options: GuardedPoolOptions): pg.ClientConfig {
  return {
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.timeoutMs,
    keepAlive: true,
    options: `-c search_path="${options.schema}" -c statement_timeout=${options.timeoutMs}`,
  }
}

class Deadline extends Error {
  constructor(ms: number) {
    super(`the store did not answer within ${ms} ms`)
    this.name = 'StoreDeadlineError'
  }
}

/** One pooled connection: its queries have a deadline, and a connection that failed is discarded. */
class GuardedClient implements PostgresPoolClient {
  readonly #client: pg.PoolClient
  readonly #pool: GuardedPool
  #broken = false
  #released = false
  /**
   * The pool listens for errors only while a connection is idle: one lost while it is checked
   * out (between the statements of a transaction) would otherwise be an uncaught error.
   */
  readonly #onError = (err: Error) => {
    this.#broken = true
    this.#pool.availability.failed(err)
  }

  constructor(client: pg.PoolClient, pool: GuardedPool) {
    this.#client = client
    this.#pool = pool
    client.on('error', this.#onError)
  }

  // Kysely's cursor form (streaming queries) is never used here: only statements.
  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>
  query<R>(
    sql: string | PostgresCursor<R>,
    parameters?: ReadonlyArray<unknown>,
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sql !== 'string') throw new Error('streaming queries are not used by the store')
    return this.#run<R>(sql, parameters ?? [])
  }

  async #run<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    if (this.#broken) throw this.#pool.availability.unavailable()
    const ms = this.#pool.deadlineMs
    // Real time, on purpose: the deadline bounds the machine's I/O (see clock.ts).
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Deadline(ms)), ms)
    })
    try {
      return (await Promise.race([
        this.#pool.clock.io(this.#client.query(sql, parameters as unknown[])),
        deadline,
      ])) as unknown as PostgresQueryResult<R>
    } catch (err) {
      if (err instanceof Deadline || isConnectionFailure(err)) {
        // The answer will not come: close the socket so nothing queues behind the lost query.
        this.#discard()
        this.#pool.availability.failed(err)
        throw this.#pool.availability.unavailable(err)
      }
      throw err
    } finally {
      clearTimeout(timer)
    }
  }

  release(destroy?: boolean): void {
    if (this.#broken) {
      this.#discard()
      return
    }
    this.#client.off('error', this.#onError)
    this.#client.release(destroy === true)
  }

  /** Hands a broken connection back to be destroyed, once. */
  #discard(): void {
    if (this.#released) return
    this.#released = true
    this.#broken = true
    this.#client.release(true)
    // The error listener stays: late errors of the destroyed socket still find it.
  }
}

export class GuardedPool implements PostgresPool {
  readonly availability: StoreAvailability
  readonly deadlineMs: number
  readonly clock: Clock
  readonly #pool: pg.Pool

  constructor(
    options: GuardedPoolOptions,
    availability: StoreAvailability,
    onIdleError: (err: Error) => void,
    clock: Clock,
  ) {
    this.availability = availability
    this.clock = clock
    this.deadlineMs = options.timeoutMs + CLIENT_DEADLINE_MARGIN_MS
    this.#pool = new pg.Pool({ ...connectionOptions(options), max: options.max })
    // An idle client whose server went away (a crash, a restart): never an uncaught error.
    this.#pool.on('error', (err) => {
      onIdleError(err)
      if (isConnectionFailure(err)) availability.failed(err)
    })
  }

  async connect(): Promise<PostgresPoolClient> {
    if (!this.availability.admitsQueries) throw this.availability.unavailable()
    try {
      return new GuardedClient(await this.clock.io(this.#pool.connect()), this)
    } catch (err) {
      if (err instanceof ProblemError) throw err
      this.availability.failed(err)
      throw this.availability.unavailable(err)
    }
  }

  /** One statement outside the availability check: the probe that finds the store back. */
  async probe(): Promise<void> {
    const client = await this.clock.io(this.#pool.connect())
    const guarded = new GuardedClient(client, this)
    try {
      await guarded.query('SELECT 1', [])
    } finally {
      guarded.release()
    }
  }

  end(): Promise<void> {
    return this.#pool.end()
  }
}
