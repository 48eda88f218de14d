/**
 * The synced replica at realistic size and the documented limits (`npm run bench`, and alone
 * `npm run bench:replica`): the sandbox holds 2,000 BatchBook communications and 300 open
 * Snappy tickets (options change it); a gateway backfills them while no client asks anything,
 * then a full walk of the timeline and a dashboard asking for the first page every 2 s are
 * measured, and a change made at the simulator is timed until it shows.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { startSandbox } from '../../src/sandbox/index.js'
import type { Message } from '../../src/schemas/message.js'
import type { Source } from '../../src/schemas/source.js'
import { table } from '../lib/doc.js'
import { DATABASE_URL, STORE_LABEL, type StoreKind, dropSchema } from './store.js'

export interface SyncBenchOptions {
  communications: number
  tickets: number
  stores: StoreKind[]
  /** Seconds of the dashboard. */
  dashboardS: number
}

const KEY = `sk_bench_${randomBytes(12).toString('hex')}`
const AUTH = { authorization: `Bearer ${KEY}` }
async function json<T>(url: string): Promise<{ status: number; body: T; ms: number }> {
  const started = performance.now()
  const res = await request(url, { headers: AUTH })
  const body = (await res.body.json()) as T
  return { status: res.statusCode, body, ms: performance.now() - started }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

/** One run of the whole measurement on one store; its section of the document. */
async function measure(kind: StoreKind, options: SyncBenchOptions): Promise<string[]> {
  const { communications, tickets } = options
  const postgres = kind === 'postgres'
  const schema = `bench_${randomBytes(4).toString('hex')}`
  const sandbox = await startSandbox({ timeoutMs: 10_000, volume: { communications, tickets } })
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-replica-'))
  const env: Record<string, string> = {
    LOG_LEVEL: 'warn',
    REPLICA: 'true',
    DATA_DIR: dataDir,
    API_KEYS: `bench:${KEY}`,
    // No load shedding: a busy machine must slow the figures, not turn requests away.
    SHED_EVENT_LOOP_DELAY_MS: '0',
    SHED_EVENT_LOOP_UTILIZATION_PERCENT: '0',
  }
  if (postgres) Object.assign(env, { DATABASE_URL: DATABASE_URL, DATABASE_SCHEMA: schema })
  const config = loadConfig(env)
  config.connections = sandbox.connections
  const app = await buildApp({ config, logger: false, sandboxConnections: new Set(['batchbook', 'snappy']) })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  const started = Date.now()
  const bb = sandbox.batchbook.simulator
  const sn = sandbox.snappy.simulator

  /** When each connection's backfill ended, its upstream calls until then, and its limit. */
  const backfill = new Map<string, { ms: number; calls: number; max: number; windowMs: number }>()
  while (backfill.size < 2) {
    const sources = await json<{ data: Source[] }>(`${url}/v1/sources`)
    if (sources.status !== 200)
      throw new Error(`/v1/sources answered ${sources.status}: ${JSON.stringify(sources.body)}`)
    for (const source of sources.body.data) {
      if (backfill.has(source.name) || source.sync?.backfilledAt == null) continue
      const sim = source.name === 'batchbook' ? bb : sn
      const limit = source.name === 'batchbook' ? sandbox.connections[0] : sandbox.connections[1]
      backfill.set(source.name, {
        ms: Date.parse(source.sync.backfilledAt) - started,
        calls: sim.stats.requests,
        max: limit?.rateLimit.max ?? 1,
        windowMs: limit?.rateLimit.windowMs ?? 1000,
      })
    }
    await new Promise((r) => setTimeout(r, 200))
  }

  // A full walk of the timeline, with the upstream calls it caused (the sync may poll meanwhile).
  const callsBefore = bb.stats.requests + sn.stats.requests
  const walkStarted = performance.now()
  const seen = new Set<string>()
  const bySource = { batchbook: 0, snappy: 0 }
  let total = 0
  let cursor: string | null = null
  let pages = 0
  do {
    const page: { body: { data: Message[]; nextCursor: string | null } } = await json(
      `${url}/v1/messages?limit=100${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
    )
    for (const m of page.body.data) {
      seen.add(m.id)
      bySource[m.source]++
    }
    total += page.body.data.length
    cursor = page.body.nextCursor
    pages++
  } while (cursor !== null)
  const walkMs = performance.now() - walkStarted
  const walkCalls = bb.stats.requests + sn.stats.requests - callsBefore
  const expected = bb.store.listCommunications().length

  // A dashboard: the first page every 2 s.
  const dashboard: number[] = []
  let incomplete = 0
  const dashboardEnd = Date.now() + options.dashboardS * 1000
  while (Date.now() < dashboardEnd) {
    const page = await json<{ data: Message[]; warnings?: unknown[] }>(`${url}/v1/messages?limit=25`)
    dashboard.push(page.ms)
    if (page.status !== 200 || page.body.warnings !== undefined || page.body.data.length < 25) incomplete++
    await new Promise((r) => setTimeout(r, 2_000))
  }

  // A change made at the upstream, until it shows.
  const [target] = bb.store.listCommunications()
  const marker = `bench${randomBytes(4).toString('hex')}`
  bb.store.updateCommunication(target?.id ?? 0, { subject: `Changed ${marker}` })
  const changedAt = Date.now()
  for (;;) {
    const found = await json<{ data: Message[] }>(`${url}/v1/messages?source=batchbook&q=${marker}`)
    if (found.body.data.length > 0) break
    await new Promise((r) => setTimeout(r, 100))
  }
  const visibleMs = Date.now() - changedAt

  await app.close()
  await sandbox.close()
  rmSync(dataDir, { recursive: true, force: true })
  if (postgres) await dropSchema(schema)

  const rows = [...backfill].map(([name, b]) => {
    // The soonest the last call may go: a window may start with a burst of `max` calls, each
    // later call waits for one to leave the window (BatchBook: one a second, so calls - 1 seconds).
    const minimum = Math.floor((b.calls - 1) / b.max) * b.windowMs
    return [
      name,
      String(b.calls),
      `${(minimum / 1000).toFixed(1)} s`,
      `${(b.ms / 1000).toFixed(1)} s`,
      minimum === 0 ? '— (within one window)' : (b.ms / minimum).toFixed(3),
      minimum === 0 ? '—' : `${((100 * minimum) / b.ms).toFixed(1)}%`,
    ]
  })
  return [
    `### ${STORE_LABEL[kind]}`,
    '',
    '#### Backfill against the budget minimum',
    '',
    'The budget minimum is the soonest the backfill’s last upstream call may go under the limit (a window may open with a burst of its whole allowance: Snappy’s first 200 calls need not wait); the target is within 1.25× of it. The share of the free budget used is the budget minimum over the time taken: the calls the upstream’s limit allowed in that time that the backfill made (target at least 95%). BatchBook participants (one call per message) fill in after this and are not counted.',
    '',
    table(['connection', 'upstream calls', 'budget minimum', 'backfill took', 'ratio', 'free budget used'], rows),
    '',
    '#### Reads once backfilled',
    '',
    table(
      ['measure', 'value'],
      [
        [
          'full walk of `GET /v1/messages?limit=100`',
          `${total} messages in ${pages} pages, ${(walkMs / 1000).toFixed(2)} s`,
        ],
        ['duplicates in the walk', String(total - seen.size)],
        ['BatchBook messages in the walk / at the simulator', `${bySource.batchbook} / ${expected}`],
        ['Snappy messages in the walk', String(bySource.snappy)],
        ['upstream calls during the walk (sync polls included)', String(walkCalls)],
        [
          `dashboard: first page every 2 s for ${options.dashboardS} s`,
          `${dashboard.length} pages, ${incomplete} incomplete, p50 ${percentile(dashboard, 50).toFixed(1)} ms, p95 ${percentile(dashboard, 95).toFixed(1)} ms`,
        ],
        [
          'a change at the simulator visible after',
          `${(visibleMs / 1000).toFixed(1)} s (BatchBook poll: ${config.store.sync.pollMs.batchbook / 1000} s)`,
        ],
      ],
    ),
  ]
}

/** The `replica` block of docs/benchmarks.md: every store, one after the other. */
export async function measureSync(options: SyncBenchOptions, heading: string): Promise<string> {
  const sections: string[] = []
  for (const kind of options.stores) sections.push(...(await measure(kind, options)), '')
  return [
    '## Synced replica',
    '',
    heading +
      ` Sandbox: ${options.communications} BatchBook communications, ${options.tickets} open Snappy tickets, at the documented limits (BatchBook 1 request/s, Snappy 200/min), no client traffic during the backfill, one store after the other.`,
    '',
    ...sections,
  ].join('\n')
}
