/**
 * The replica's database: the embedded SQLite file under `DATA_DIR` (no server, no set-up),
 * or PostgreSQL when `DATABASE_URL` is set, so several replicas share one. Both are reached
 * through Kysely, one query builder for both dialects, and migrated at start-up.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import type { ReplicaConfig } from '../config.js'
import { migrate } from './migrations.js'
import { openSqliteDatabase } from './sqlite.js'
import type { ReplicaTables } from './tables.js'

export type Dialect = 'sqlite' | 'postgres'

export interface ReplicaDb {
  db: Kysely<ReplicaTables>
  dialect: Dialect
  close(): Promise<void>
}

/** The embedded store's file name inside `DATA_DIR`. */
const SQLITE_FILE = 'switchboard.sqlite'
/**
 * Sandbox mode's file: its simulators start over on every start, so its replica does too
 * (a replica of records the upstream no longer has would be wrong until reconciled).
 */
const SANDBOX_FILE = 'sandbox.sqlite'

// PostgreSQL's bigint (int8) arrives as a string by default; ours are counters and epoch
// milliseconds, far inside the range a JavaScript number holds exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

export async function openReplicaDb(config: ReplicaConfig, sandbox = false): Promise<ReplicaDb> {
  if (config.databaseUrl !== null) return openPostgres(config)
  return migrated(openSqlite(config.dataDir, sandbox))
}

/** The store once its migrations ran (closed again if they failed). */
async function migrated(replica: ReplicaDb): Promise<ReplicaDb> {
  try {
    await migrate(replica.db as Kysely<unknown>, replica.dialect)
  } catch (err) {
    await replica.close()
    throw err
  }
  return replica
}

/** The advisory lock replicas starting together take, so that one of them migrates at a time. */
const MIGRATION_LOCK = 7_240_715_000

function openSqlite(dataDir: string, sandbox: boolean): ReplicaDb {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, sandbox ? SANDBOX_FILE : SQLITE_FILE)
  if (sandbox) for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
  const connection = openSqliteDatabase(file)
  const database = connection.database
  // WAL: reads go on while the sync writes; NORMAL sync is durable across a process crash
  // (SIGKILL), which is what a restart resumes from; waiting on a lock beats failing.
  // (`exec`, not `pragma()`: the latter prepares a statement that would become garbage; see sqlite.ts.)
  database.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000')
  const db = new Kysely<ReplicaTables>({ dialect: new SqliteDialect({ database: connection }) })
  return { db, dialect: 'sqlite', close: () => db.destroy() }
}

async function openPostgres(config: ReplicaConfig): Promise<ReplicaDb> {
  const url = config.databaseUrl as string
  const schema = config.databaseSchema
  // Replicas starting together would race to create the schema and the migrator's own tables
  // (Kysely locks only once those exist): one session-level advisory lock makes them take turns.
  // The schema is created before the pool that uses it (its name was checked in config).
  const setup = new pg.Client({ connectionString: url })
  await setup.connect()
  try {
    await setup.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    await setup.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
    const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path="${schema}"` })
    const db = new Kysely<ReplicaTables>({ dialect: new PostgresDialect({ pool }) })
    return await migrated({ db, dialect: 'postgres', close: () => db.destroy() })
  } finally {
    // Ending the session releases the lock too.
    await setup.end()
  }
}
