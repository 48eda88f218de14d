/**
 * The replica's two stores for tests: the embedded SQLite file in a fresh directory, and the
 * local PostgreSQL under a schema of its own (dropped afterwards), so one suite runs on both.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { StoreConfig } from '../../src/config.js'
import { loadConfig } from '../../src/config.js'

export const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export type StoreKind = 'sqlite' | 'postgres'
export const STORE_KINDS: StoreKind[] = ['sqlite', 'postgres']

export interface TestDatabase {
  config: StoreConfig
  /** Environment variables that give a spawned gateway the same store. */
  env: Record<string, string>
  /** Removes what the store left (the directory, or the schema). */
  drop(): Promise<void>
  /** When PostgreSQL last gathered the planner statistics of a table (null: never, or SQLite). */
  analyzedAt(table: string): Promise<Date | null>
}

/** A store of this kind, empty, with the replica on and the sync settings given. */
export function testDatabase(kind: StoreKind, sync: Partial<StoreConfig['sync']> = {}): TestDatabase {
  const base = loadConfig({ REPLICA: 'true' }).store
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-replica-'))
  const schema = `t_${randomBytes(6).toString('hex')}`
  const config: StoreConfig = {
    ...base,
    dataDir: dir,
    databaseUrl: kind === 'postgres' ? DATABASE_URL : null,
    databaseSchema: kind === 'postgres' ? schema : 'public',
    sync: { ...base.sync, ...sync },
  }
  const env: Record<string, string> = { REPLICA: 'true', DATA_DIR: dir }
  if (kind === 'postgres') Object.assign(env, { DATABASE_URL, DATABASE_SCHEMA: schema })
  return {
    config,
    env,
    async analyzedAt(table) {
      if (kind !== 'postgres') return null
      const client = new pg.Client({ connectionString: DATABASE_URL })
      await client.connect()
      try {
        const { rows } = await client.query<{ at: Date | null }>(
          'SELECT last_analyze AS at FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2',
          [schema, table],
        )
        return rows[0]?.at ?? null
      } finally {
        await client.end()
      }
    },
    async drop() {
      rmSync(dir, { recursive: true, force: true })
      if (kind !== 'postgres') return
      const client = new pg.Client({ connectionString: DATABASE_URL })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await client.end()
    },
  }
}
