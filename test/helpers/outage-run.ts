/**
 * A run for the Redis-outage tests (test/scale/redis-*.test.ts): gateway processes on both
 * simulators at their documented limits, driven at three times both budgets while their Redis
 * goes away for a while in the middle (30 s unless the phases say otherwise). Neither simulator may count a single limit violation, no
 * answer may be `circuit_open` (nothing but the limits is at fault here), and every write sent
 * with an `Idempotency-Key`, retried until it is answered, is written exactly once.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { request } from 'undici'
import { DEFAULT_BATCHBOOK_LIMIT } from '../../src/upstreams/batchbook/wire.js'
import { type BatchBookSimulator, createBatchBookSimulator } from '../../src/sandbox/batchbook/index.js'
import { listenOnLoopback } from '../../src/sandbox/frame/server.js'
import { DEFAULT_SNAPPY_LIMIT } from '../../src/upstreams/snappy/wire.js'
import { type SnappySimulator, createSnappySimulator } from '../../src/sandbox/snappy/index.js'
import { encodeId } from '../../src/ids.js'
import { type GatewayProcess, spawnGateway } from './processes.js'

const TOKEN = 'outage-test-token'
const SNAPPY_KEY = 'c'.repeat(64)
const CLIENT = 'sk_outage_0123456789abcdef'
/** When the outage begins, how long it lasts, and how long the run goes on after it. */
export interface Phases {
  beforeMs: number
  outageMs: number
  afterMs: number
  /** Keyed writes all along (checked written exactly once); off where Redis may lose its records. */
  writes: boolean
}

const DEFAULT_PHASES: Phases = { beforeMs: 8_000, outageMs: 30_000, afterMs: 10_000, writes: true }

let gateways: GatewayProcess[] = []
let closers: Array<() => Promise<unknown>> = []

/** Stops what a run started (call it after each test). */
export async function endRun(): Promise<void> {
  await Promise.all(gateways.map((g) => g.stop('SIGKILL')))
  for (const close of closers.reverse()) await close()
  gateways = []
  closers = []
}

/** Something the run must stop at its end. */
export function onEnd(close: () => Promise<unknown>): void {
  closers.push(close)
}

export interface Run {
  batchbook: BatchBookSimulator
  snappy: SnappySimulator
  urls: string[]
}

export async function startRun(replicas: number, redisUrl: string): Promise<Run> {
  const batchbook = createBatchBookSimulator({ tokens: [TOKEN], limit: DEFAULT_BATCHBOOK_LIMIT })
  const snappy = createSnappySimulator({ keys: [SNAPPY_KEY], limit: DEFAULT_SNAPPY_LIMIT })
  const [bbOrigin, snOrigin] = await Promise.all([listenOnLoopback(batchbook.app), listenOnLoopback(snappy.app)])
  onEnd(() => batchbook.app.close())
  onEnd(() => snappy.close())
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-outage-'))
  const configFile = join(dir, 'connections.json')
  writeFileSync(
    configFile,
    JSON.stringify({
      connections: [
        { name: 'crm', source: 'batchbook', account: 'acme', token: TOKEN, baseUrl: bbOrigin },
        { name: 'desk', source: 'snappy', apiKey: SNAPPY_KEY, baseUrl: `${snOrigin}/api/v1` },
      ],
    }),
  )
  const env = {
    SWITCHBOARD_CONFIG: configFile,
    API_KEYS: `load:${CLIENT}`,
    REDIS_URL: redisUrl,
    SWITCHBOARD_REPLICAS: String(replicas),
    CACHE_MAX_BYTES: '0',
    LOG_LEVEL: 'info',
  }
  gateways = Array.from({ length: replicas }, () => spawnGateway(env))
  const urls = await Promise.all(gateways.map((g) => g.url))
  return { batchbook, snappy, urls }
}

interface Tally {
  statuses: Map<number, number>
  codes: Map<string, number>
}

async function send(
  url: string,
  init: { method?: 'GET' | 'POST'; body?: string; key?: string },
  tally: Tally,
): Promise<{ status: number; code?: string }> {
  const res = await request(url, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${CLIENT}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.key === undefined ? {} : { 'idempotency-key': init.key }),
    },
    body: init.body,
  })
  const text = await res.body.text()
  tally.statuses.set(res.statusCode, (tally.statuses.get(res.statusCode) ?? 0) + 1)
  const code = res.statusCode >= 400 ? (JSON.parse(text) as { code?: string }).code : undefined
  if (code !== undefined) tally.codes.set(code, (tally.codes.get(code) ?? 0) + 1)
  return { status: res.statusCode, ...(code === undefined ? {} : { code }) }
}

/** Sends a write until it gets an answer that is final (2xx, or a 4xx other than 409 and 429). */
async function writeUntilAnswered(
  urls: string[],
  path: string,
  body: unknown,
  key: string,
  tally: Tally,
  until: number,
): Promise<number> {
  for (let attempt = 0; Date.now() < until; attempt++) {
    const url = `${urls[attempt % urls.length]}${path}`
    const answer = await send(url, { method: 'POST', body: JSON.stringify(body), key }, tally).catch(() => ({
      status: 0,
    }))
    if (answer.status >= 200 && answer.status < 300) return answer.status
    if (answer.status >= 400 && answer.status < 500 && answer.status !== 409 && answer.status !== 429)
      return answer.status
    await new Promise((resolve) => setTimeout(resolve, 1_000))
  }
  return 0
}

/** Three times both budgets for the whole run, writes spread through it, `outage` in the middle. */
export async function drive(
  run: Run,
  outage: { begin: () => Promise<void> | void; end: () => Promise<void> | void },
  phases: Phases = DEFAULT_PHASES,
): Promise<{ tally: Tally; writes: Record<string, number> | null }> {
  const { beforeMs: BEFORE_MS, outageMs: OUTAGE_MS, afterMs: AFTER_MS } = phases
  const tally: Tally = { statuses: new Map(), codes: new Map() }
  const ids = run.batchbook.store
    .listCommunications()
    .map((c) => encodeId('message', { source: 'batchbook', connection: 'crm', parts: [String(c.id)] }))
  const started = Date.now()
  const stopAt = started + BEFORE_MS + OUTAGE_MS + AFTER_MS
  const reads: Array<Promise<unknown>> = []
  const writes: Array<Promise<[string, number]>> = []
  let outageBegun = false
  let outageEnded = false
  const mailbox = encodeId('mailbox', { source: 'snappy', connection: 'desk', parts: ['3249', '3642'] })
  for (let tick = 0; Date.now() < stopAt; tick++) {
    const elapsed = Date.now() - started
    if (!outageBegun && elapsed >= BEFORE_MS) {
      outageBegun = true
      await outage.begin()
    }
    if (!outageEnded && elapsed >= BEFORE_MS + OUTAGE_MS) {
      outageEnded = true
      await outage.end()
    }
    const url = run.urls[tick % run.urls.length] as string
    // 3 BatchBook reads a second (one call each) and 10 Snappy reads a second (one call each).
    if (tick % 10 < 3)
      reads.push(send(`${url}/v1/messages/${ids[tick % ids.length]}/tags`, {}, tally).catch(() => undefined))
    reads.push(send(`${url}/v1/accounts`, {}, tally).catch(() => undefined))
    if (phases.writes && tick % 25 === 0) {
      const n = tick / 25
      const key = `outage-write-${n}`
      const body =
        n % 3 === 0
          ? { source: 'batchbook', kind: 'note', subject: key, body: `Written once: ${key}` }
          : {
              source: 'snappy',
              mailboxId: mailbox,
              from: [{ address: 'load@example.com' }],
              subject: key,
              body: `Written once: ${key}`,
            }
      writes.push(
        writeUntilAnswered(run.urls, '/v1/messages', body, key, tally, stopAt + 60_000).then((status) => [key, status]),
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await Promise.all(reads)
  return { tally, writes: phases.writes ? Object.fromEntries(await Promise.all(writes)) : null }
}

function writtenTimes(run: Run, key: string): number {
  const inBatchBook = run.batchbook.store.listCommunications().filter((c) => c.subject === key).length
  const inSnappy = run.snappy.store.tickets.tickets.all().filter((t) => t.defaultSubject === key).length
  return inBatchBook + inSnappy
}

export function expectClean(run: Run, result: { tally: Tally; writes: Record<string, number> | null }): void {
  console.info(
    `answers ${JSON.stringify(Object.fromEntries(result.tally.statuses))}, codes ${JSON.stringify(Object.fromEntries(result.tally.codes))}, ` +
      `upstream calls BatchBook ${run.batchbook.stats.requests}, Snappy ${run.snappy.stats.requests}`,
  )
  expect(run.batchbook.stats.limitViolations).toBe(0)
  expect(run.snappy.stats.limitViolations).toBe(0)
  expect(result.tally.codes.get('circuit_open') ?? 0).toBe(0)
  if (result.writes === null) return
  expect(Object.keys(result.writes).length).toBeGreaterThan(10)
  for (const [key, status] of Object.entries(result.writes)) {
    // 202: accepted, its read-back still waiting for budget (see write-deadline.ts).
    expect([201, 202], key).toContain(status)
    expect(writtenTimes(run, key), key).toBe(1)
  }
}
