/**
 * `npm run bench:replica`: the synced replica at realistic size and the documented limits,
 * written into docs/benchmarks.md. The sandbox holds 2,000 BatchBook communications and 300
 * open Snappy tickets (options change it); the gateway backfills them, then a full walk of
 * the timeline and a dashboard asking for the first page every 2 s are measured, and a change
 * made at the simulator is timed until it shows.
 *
 * Options (after `npm run bench:replica --`): --communications=N (default 2000),
 * --tickets=N (default 300), --store=sqlite|postgres|both (default both, one after the other;
 * postgres uses DATABASE_URL or the local server), --dashboard=S (seconds, default 30), --no-doc.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { request } from 'undici'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { startSandbox } from '../src/sandbox/index.js'
import type { Message } from '../src/schemas/message.js'
import type { Source } from '../src/schemas/source.js'
import { readDoc, table, withBlock, writeDoc } from './lib/doc.js'
import { describeMachine, gitRevision, machineLines } from './lib/machine.js'
import { ROOT } from './lib/processes.js'

const { values: args } = parseArgs({
  options: {
    communications: { type: 'string', default: '2000' },
    tickets: { type: 'string', default: '300' },
    store: { type: 'string', default: 'both' },
    dashboard: { type: 'string', default: '30' },
    'no-doc': { type: 'boolean', default: false },
  },
})

const KEY = `sk_bench_${randomBytes(12).toString('hex')}`
const AUTH = { authorization: `Bearer ${KEY}` }
const communications = Number(args.communications)
const tickets = Number(args.tickets)
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
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
async function measure(postgres: boolean): Promise<string[]> {
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
  if (postgres) Object.assign(env, { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema })
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
  const dashboardEnd = Date.now() + Number(args.dashboard) * 1000
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
  if (postgres) {
    const client = new pg.Client({ connectionString: databaseUrl })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await client.end()
  }

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
    ]
  })
  return [
    `### ${postgres ? 'PostgreSQL' : 'Embedded SQLite'}`,
    '',
    '#### Backfill against the budget minimum',
    '',
    'The budget minimum is the soonest the backfill’s last upstream call may go under the limit (a window may open with a burst of its whole allowance: Snappy’s first 200 calls need not wait); the target is within 1.25× of it. BatchBook participants (one call per message) fill in after this and are not counted.',
    '',
    table(['connection', 'upstream calls', 'budget minimum', 'backfill took', 'ratio'], rows),
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
          `dashboard: first page every 2 s for ${args.dashboard} s`,
          `${dashboard.length} pages, ${incomplete} incomplete, p50 ${percentile(dashboard, 50).toFixed(1)} ms, p95 ${percentile(dashboard, 95).toFixed(1)} ms`,
        ],
        [
          'a change at the simulator visible after',
          `${(visibleMs / 1000).toFixed(1)} s (BatchBook poll: ${config.replica.sync.pollMs.batchbook / 1000} s)`,
        ],
      ],
    ),
  ]
}

// The commit measured and how busy the machine was, read before the runs.
const revision = gitRevision(ROOT)
const load = os.loadavg()[0] ?? 0
const stores = args.store === 'both' ? [false, true] : [args.store === 'postgres']
const sections: string[] = []
for (const postgres of stores) sections.push(...(await measure(postgres)), '')
const text = [
  '## Synced replica',
  '',
  `Written by \`npm run bench:replica\` at commit \`${revision}\`, Node ${process.version}, load average ${load.toFixed(2)} at the start. ` +
    `Sandbox: ${communications} BatchBook communications, ${tickets} open Snappy tickets, at the documented limits (BatchBook 1 request/s, Snappy 200/min), one store after the other.`,
  '',
  ...machineLines(describeMachine()),
  '',
  ...sections,
].join('\n')
process.stdout.write(`${text}\n`)
if (args['no-doc'] !== true) await writeDoc(withBlock(await readDoc(), 'replica', text))
process.exit(0)
