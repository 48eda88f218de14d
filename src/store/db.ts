/**
 * The store's database: the embedded SQLite file under `DATA_DIR` (no server, no set-up),
 * or PostgreSQL when `DATABASE_URL` is set, so several gateways share one. Both are reached
 * through Kysely, one query builder for both dialects, and migrated when first connected.
 *
 * PostgreSQL is a server that may be down when the gateway starts and may go away while it
 * runs: opening it connects nothing, `connect()` (run by the store's recovery loop, see
 * index.ts) reaches it and migrates, and its availability says whether it may be used now.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import type { StoreConfig } from '../config.js'
import { type AvailabilityListener, StoreAvailability } from './availability.js'
import { GuardedPool, connectionOptions } from './guarded-pool.js'
import { migrate } from './migrations.js'
import { openSqliteDatabase } from './sqlite.js'
import type { StoreTables } from './tables.js'
import { type Clock, realClock } from '../clock.js'

export type Dialect = 'sqlite' | 'postgres'

export interface StoreDb {
  db: Kysely<StoreTables>
  dialect: Dialect
  availability: StoreAvailability
  /** The time every repository reads (stamps, leases, retention). */
  clock: Clock
  /**
   * Reaches the server (migrating it the first time) and marks the store `recovering`; throws
   * while it cannot be reached. Nothing to do for the embedded store.
   */
  connect(): Promise<void>
  close(): Promise<void>
}

/** The embedded store's file name inside `DATA_DIR`. */
const SQLITE_FILE = 'switchboard.sqlite'
/**
 * Sandbox mode's file: its simulators start over on every start, so its replica does too
 * (a store of records the upstream no longer has would be wrong until reconciled).
 */
const SANDBOX_FILE = 'sandbox.sqlite'
/** Connections in each gateway's PostgreSQL pool. */
const POOL_SIZE = 10

// PostgreSQL's bigint (int8) arrives as a string by default; ours are counters and epoch
// milliseconds, far inside the range a JavaScript number holds exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

export interface OpenOptions {
  sandbox?: boolean
  /** Told of every change of the store's availability (the app logs it). */
  onAvailability?: AvailabilityListener
  /** Told of errors pg reports outside any query (an idle connection lost). */
  onIdleError?: (err: Error) => void
  clock?: Clock
}

export async function openStoreDb(config: StoreConfig, options: OpenOptions = {}): Promise<StoreDb> {
  if (config.databaseUrl !== null) return openPostgres(config, options)
  const store = openSqlite(config.dataDir, options.sandbox === true, options.clock ?? realClock)
  try {
    await migrate(store.db as Kysely<unknown>, store.dialect)
  } catch (err) {
    await store.close()
    throw err
  }
  return store
}

/** The advisory lock gateways starting together take, so that one of them migrates at a time. */
const MIGRATION_LOCK = 7_240_715_000

function openSqlite(dataDir: string, sandbox: boolean, clock: Clock): StoreDb {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, sandbox ? SANDBOX_FILE : SQLITE_FILE)
  if (sandbox) for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
  const connection = openSqliteDatabase(file)
  const database = connection.database
  // WAL: reads go on while the sync writes; NORMAL sync is durable across a process crash
  // (SIGKILL), which is what a restart resumes from; waiting on a lock beats failing.
  // (`exec`, not `pragma()`: the latter prepares a statement that would become garbage; see sqlite.ts.)
  database.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000')
  const db = new Kysely<StoreTables>({ dialect: new SqliteDialect({ database: connection }) })
  return {
    db,
    dialect: 'sqlite',
    availability: new StoreAvailability('up'),
    clock,
    connect: async () => undefined,
    close: () => db.destroy(),
  }
}

function openPostgres(config: StoreConfig, options: OpenOptions): StoreDb {
  const settings = {
    connectionString: config.databaseUrl as string,
    schema: config.databaseSchema,
    timeoutMs: config.statementTimeoutMs,
    max: POOL_SIZE,
  }
  const availability = new StoreAvailability('connecting', options.onAvailability)
  const onIdleError = options.onIdleError ?? (() => undefined)
  const clock = options.clock ?? realClock
  const pool = new GuardedPool(settings, availability, onIdleError, clock)
  const db = new Kysely<StoreTables>({ dialect: new PostgresDialect({ pool }) })
  let migrated = false
  return {
    db,
    dialect: 'postgres',
    availability,
    clock,
    async connect() {
      if (migrated) {
        await pool.probe()
        availability.recovering()
        return
      }
      // Gateways starting together would race to create the schema and the migrator's own
      // tables (Kysely locks only once those exist): one session-level advisory lock makes them
      // take turns. The schema is created before the pool's connections use it (its name was
      // checked in config).
      // A partition would hold a statement of this session forever: its queries have the
      // client-side deadline too, and the session is closed without waiting for the server.
      const setup = new pg.Client({ ...connectionOptions(settings), query_timeout: pool.deadlineMs })
      setup.on('error', onIdleError)
      await setup.connect()
      try {
        await setup.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
        await setup.query(`CREATE SCHEMA IF NOT EXISTS "${settings.schema}"`)
        availability.recovering()
        await migrate(db as Kysely<unknown>, 'postgres', settings.schema)
        migrated = true
      } finally {
        // Ending the session releases the lock too.
        closeSession(setup)
      }
    },
    close: () => db.destroy(),
  }
}

/** Ends a session without waiting for a server that may not answer (the socket is closed). */
function closeSession(client: pg.Client): void {
  const socket = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream
  client.end().catch(() => undefined)
  socket?.destroy()
}
