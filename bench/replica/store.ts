/**
 * A replica store holding a realistic volume, made the way a deployment makes it: a gateway
 * with the replica on backfills the sandbox's simulators (started with the volume option) and
 * fills every BatchBook message's participants. The simulators are unlimited here and the
 * gateway's budget raised (this is about the size of the store, not the limits: `npm run bench`
 * measures the backfill at the documented limits separately), and BatchBook is read in pages
 * of 1,000.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { Source } from '../../src/schemas/source.js'
import type { ServerProcess } from '../lib/processes.js'
import type { Runtime } from '../lib/runtimes.js'
import { RAISED_LIMIT, gatewayConfig, getJson, startGatewayProcess } from '../lib/setup.js'
import type { SandboxInfo } from '../servers/sandbox.js'

export type StoreKind = 'sqlite' | 'postgres'

export const STORE_LABEL: Record<StoreKind, string> = { sqlite: 'embedded SQLite', postgres: 'PostgreSQL' }

export interface PreparedStore {
  kind: StoreKind
  /** The gateway's environment for this store (REPLICA on, where the store is). */
  env: Record<string, string>
  messages: number
  /** From the gateway's start until both backfills were done, and until participants were. */
  backfillMs: number
  participantsMs: number
  /** The SQLite file's size, or the PostgreSQL schema's (bytes). */
  sizeBytes: number
  remove(): Promise<void>
}

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** Production defaults for a gateway reading from the replica, on a saturated machine. */
function replicaEnv(store: Record<string, string>): Record<string, string> {
  return {
    LOG_LEVEL: 'info',
    // No load shedding: a saturated event loop is what a benchmark makes.
    SHED_EVENT_LOOP_DELAY_MS: '0',
    SHED_EVENT_LOOP_UTILIZATION_PERCENT: '0',
    REPLICA: 'true',
    SYNC_BATCHBOOK_PAGE_SIZE: '1000',
    ...store,
  }
}

async function syncStates(gateway: ServerProcess): Promise<NonNullable<Source['sync']>[]> {
  const { data } = await getJson<{ data: Source[] }>(gateway.url, '/v1/sources')
  return data.map((s) => s.sync).filter((s): s is NonNullable<Source['sync']> => s != null)
}

async function schemaBytes(schema: string): Promise<number> {
  const client = new pg.Client({ connectionString: DATABASE_URL })
  await client.connect()
  try {
    const { rows } = await client.query<{ bytes: string }>(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::text AS bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
      [schema],
    )
    return Number(rows[0]?.bytes ?? 0)
  } finally {
    await client.end()
  }
}

/** Drops a benchmark's PostgreSQL schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await client.end()
  }
}

export async function prepareStore(
  kind: StoreKind,
  sandbox: SandboxInfo,
  runtime: Runtime,
  log: (line: string) => void,
): Promise<PreparedStore> {
  const dir = kind === 'sqlite' ? mkdtempSync(path.join(tmpdir(), 'switchboard-bench-store-')) : null
  const schema = kind === 'postgres' ? `bench_${randomBytes(4).toString('hex')}` : null
  const env = replicaEnv(dir !== null ? { DATA_DIR: dir } : { DATABASE_URL, DATABASE_SCHEMA: schema as string })
  const remove = async () => {
    if (dir !== null) rmSync(dir, { recursive: true, force: true })
    if (schema !== null) await dropSchema(schema)
  }
  const started = Date.now()
  const gateway = await startGatewayProcess(
    `gateway (backfill, ${STORE_LABEL[kind]})`,
    gatewayConfig(sandbox.connections, env, RAISED_LIMIT),
    sandbox,
    { build: runtime.build, execPath: runtime.execPath },
  )
  try {
    let backfillMs: number | null = null
    let lastReport = 0
    for (;;) {
      const states = await syncStates(gateway)
      const messages = states.reduce((sum, s) => sum + s.records.messages, 0)
      if (backfillMs === null && states.length > 0 && states.every((s) => s.backfilledAt !== null))
        backfillMs = Date.now() - started
      if (backfillMs !== null && states.every((s) => s.participantsComplete)) {
        const sizeBytes =
          dir !== null ? statSync(path.join(dir, 'switchboard.sqlite')).size : await schemaBytes(schema as string)
        return { kind, env, messages, backfillMs, participantsMs: Date.now() - started, sizeBytes, remove }
      }
      if (Date.now() - lastReport >= 30_000) {
        lastReport = Date.now()
        log(
          `    ${STORE_LABEL[kind]}: ${messages} messages stored${backfillMs === null ? '' : ', filling participants'}`,
        )
      }
      if (Date.now() - started > 30 * 60_000) throw new Error(`${STORE_LABEL[kind]}: the backfill took over 30 minutes`)
      await new Promise((r) => setTimeout(r, 1000))
    }
  } catch (err) {
    await remove()
    throw err
  } finally {
    await gateway.stop()
  }
}
