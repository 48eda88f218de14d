/**
 * The replica's hot path: reads served from the synced store at realistic size, against
 * Fastify peers answering the same JSON, for each store and each Node version, in one run.
 *
 * Per store, a gateway backfills the sandbox's volume once (store.ts). Then, per Node version:
 * three cold starts of a gateway on the full store (time to a 200 from `/readyz`), a full walk
 * of the timeline (`limit=100`) on the last of them and its RSS after it, the fixtures read
 * from that walk, and the scenarios under autocannon against the peers (rounds alternate who
 * goes first), then each scenario's latency with one request at a time (no queueing). The
 * measured gateways run with the documented upstream limits, so the sync polls in the
 * background as it would in production; no request of a scenario calls an upstream.
 */
import { performance } from 'node:perf_hooks'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { Pool } from 'undici'
import type { Message } from '../../src/schemas/message.js'
import type { Build } from '../lib/build.js'
import { mib, table } from '../lib/doc.js'
import { measure, type Measurement } from '../lib/load.js'
import { ROOT, startServer, type ServerProcess } from '../lib/processes.js'
import { summarizeProfile, type ProfileSummary } from '../lib/profile.js'
import type { Runtime } from '../lib/runtimes.js'
import { API_KEY, AUTH, gatewayConfig, getJson, startGatewayProcess, startSandboxProcess } from '../lib/setup.js'
import type { BareServerOptions } from '../servers/bare.js'
import type { SandboxInfo } from '../servers/sandbox.js'
import { prepareStore, type PreparedStore, STORE_LABEL, type StoreKind } from './store.js'

export interface HotPathOptions {
  /** Messages in the store (about: BatchBook communications 90%, Snappy notes 10%). */
  messages: number
  stores: StoreKind[]
  runtimes: Runtime[]
  warmupS: number
  durationS: number
  rounds: number
  connections: number
  /** Requests one at a time per scenario for the unloaded latencies. */
  latencyRequests: number
  /** Profile the gateway of every scenario that misses its target. */
  profile: boolean
  /** `--against`: the gateway of another commit, measured beside this one on the driver's Node. */
  baseline?: { revision: string; build: Build }
  log: (line: string) => void
}

type PeerKind = 'bookkeeping' | 'bare'

interface ScenarioPlan {
  id: string
  title: string
  paths: string[]
  peer: PeerKind
  /** Least gateway/peer throughput ratio; null: reported only. */
  target: number | null
  /** Most unloaded latency at a percentile (ms), where the issue sets one. */
  latency: { percentile: 95 | 99; ms: number; stores: StoreKind[] } | null
}

interface Latency {
  p50: number
  p95: number
  p99: number
}

interface ScenarioResult {
  plan: ScenarioPlan
  gateway: Measurement[]
  peer: Measurement[]
  baseline: Measurement[]
  latency: Latency
}

interface ComboResult {
  store: PreparedStore
  runtime: Runtime
  startups: number[]
  walk: { messages: number; pages: number; ms: number; duplicates: number; rssAfter: number }
  scenarios: ScenarioResult[]
  profiles: Map<string, ProfileSummary>
}

const PEER_LABEL: Record<PeerKind, string> = { bookkeeping: 'Fastify with bookkeeping', bare: 'bare Fastify' }

/** Exact percentiles of latencies measured one request at a time. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}

async function sequentialLatency(url: string, paths: string[], count: number): Promise<Latency> {
  const pool = new Pool(url, { connections: 1 })
  const times: number[] = []
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now()
      const res = await pool.request({ method: 'GET', path: paths[i % paths.length] as string, headers: AUTH })
      await res.body.dump()
      if (res.statusCode !== 200) throw new Error(`GET ${paths[i % paths.length]}: ${res.statusCode}`)
      times.push(performance.now() - started)
    }
  } finally {
    await pool.close()
  }
  times.sort((a, b) => a - b)
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99) }
}

async function readyWithin(gateway: ServerProcess, started: number): Promise<number> {
  for (;;) {
    const res = await fetch(`${gateway.url}/readyz`)
    await res.arrayBuffer()
    if (res.status === 200) return performance.now() - started
    if (performance.now() - started > 60_000) throw new Error(`${gateway.name}: /readyz not 200 within 60 s`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

interface Walk {
  messages: Message[]
  /** The `nextCursor` after each page of 100. */
  cursors: string[]
  ms: number
}

async function walkTimeline(url: string): Promise<Walk> {
  const messages: Message[] = []
  const cursors: string[] = []
  const started = performance.now()
  let cursor: string | null = null
  do {
    const page: { data: Message[]; nextCursor: string | null } = await getJson(
      url,
      `/v1/messages?limit=100${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
    )
    messages.push(...page.data)
    cursor = page.nextCursor
    if (cursor !== null) cursors.push(cursor)
  } while (cursor !== null)
  return { messages, cursors, ms: performance.now() - started }
}

/** Every `n`-th of `list` from `from` to `to` (shares of its length), at most `count`. */
function spread<T>(list: T[], count: number, from = 0, to = 1): T[] {
  const start = Math.floor(list.length * from)
  const end = Math.max(start + 1, Math.floor(list.length * to))
  const step = Math.max(1, Math.floor((end - start) / count))
  const picked: T[] = []
  for (let i = start; i < end && picked.length < count; i += step) picked.push(list[i] as T)
  return picked
}

/** The scenarios' request paths, from what the walk saw. */
function plans(walk: Walk): ScenarioPlan[] {
  const ids = spread(walk.messages, 200).map((m) => m.id)
  const deep = spread(walk.cursors, 50, 0.25, 0.75)
  // Search terms: words of the subjects of messages across the timeline, each a different query.
  const words = new Set<string>()
  for (const m of spread(walk.messages, 2000)) {
    for (const w of (m.subject ?? '').toLowerCase().split(/[^a-z]+/)) if (w.length >= 5) words.add(w)
  }
  const terms = [...words].slice(0, 50)
  // Contacts that take part in messages, with a window of the last year of the timeline.
  const contacts = new Set<string>()
  for (const m of spread(walk.messages, 5000)) {
    for (const p of m.participants ?? []) if (p.contactId !== null) contacts.add(p.contactId)
  }
  const newest = walk.messages[0]?.sentAt ?? new Date().toISOString()
  const since = new Date(Date.parse(newest) - 365 * 86_400_000).toISOString()
  const filtered = spread([...contacts], 50).map(
    (c) => `/v1/messages?contact=${encodeURIComponent(c)}&createdSince=${encodeURIComponent(since)}&limit=25`,
  )
  if (ids.length === 0 || deep.length === 0 || terms.length === 0 || filtered.length === 0)
    throw new Error('the store holds too little to build every scenario')
  const item = ids.map((id) => `/v1/messages/${id}`)
  return [
    {
      id: 'item-bookkeeping',
      title: '`GET /v1/messages/{id}`',
      paths: item,
      peer: 'bookkeeping',
      target: 0.9,
      latency: null,
    },
    { id: 'item-bare', title: '`GET /v1/messages/{id}`', paths: item, peer: 'bare', target: 0.6, latency: null },
    {
      id: 'first-page',
      title: 'timeline, first page (`limit=25`)',
      paths: ['/v1/messages?limit=25'],
      peer: 'bookkeeping',
      target: 0.7,
      latency: { percentile: 99, ms: 10, stores: ['sqlite'] },
    },
    {
      id: 'deep-page',
      title: 'timeline, deep page (keyset cursor, 25–75% in)',
      paths: deep.map((c) => `/v1/messages?limit=25&cursor=${encodeURIComponent(c)}`),
      peer: 'bookkeeping',
      target: 0.7,
      latency: { percentile: 99, ms: 10, stores: ['sqlite'] },
    },
    {
      id: 'search',
      title: `full-text \`q=\` (${terms.length} words)`,
      paths: terms.map((t) => `/v1/messages?q=${encodeURIComponent(t)}&limit=25`),
      peer: 'bookkeeping',
      target: null,
      latency: { percentile: 95, ms: 20, stores: ['sqlite', 'postgres'] },
    },
    {
      id: 'filtered',
      title: `filtered list (\`contact=\` + \`createdSince=\`, ${filtered.length} contacts)`,
      paths: filtered,
      peer: 'bookkeeping',
      target: null,
      latency: null,
    },
  ]
}

async function measureCombo(
  store: PreparedStore,
  sandbox: SandboxInfo,
  runtime: Runtime,
  options: HotPathOptions,
  servers: ServerProcess[],
): Promise<ComboResult> {
  const { log } = options
  const start = { build: runtime.build, execPath: runtime.execPath }
  // The measured gateways keep the documented limits: their sync polls as in production.
  const config = gatewayConfig(sandbox.connections, { ...store.env, SYNC_BATCHBOOK_PAGE_SIZE: '10' }, null)
  const name = `${STORE_LABEL[store.kind]}, ${runtime.label}`
  log(`  ${name}: start-up`)
  const startups: number[] = []
  let gateway: ServerProcess | undefined
  for (let i = 0; i < 3; i++) {
    await gateway?.stop()
    const started = performance.now()
    gateway = await startGatewayProcess(`gateway (${name})`, config, sandbox, start)
    startups.push(await readyWithin(gateway, started))
  }
  const gw = gateway as ServerProcess
  servers.push(gw)

  log(`  ${name}: full walk`)
  const walk = await walkTimeline(gw.url)
  const rssAfter = await gw.rss()
  const scenarioPlans = plans(walk)

  // The peers answer exactly what the gateway answered, read once now.
  const bodies: Record<string, unknown> = {}
  for (const plan of scenarioPlans) for (const p of plan.paths) bodies[p] ??= await getJson(gw.url, p)
  const itemBodies = Object.fromEntries(scenarioPlans[0]?.paths.map((p) => [p, bodies[p]]) ?? [])
  const peerOf = async (kind: PeerKind, answers: Record<string, unknown>) => {
    const server = await startServer(
      `${PEER_LABEL[kind]} (${runtime.label})`,
      'bare.ts',
      {
        routes: ['/v1/messages/:id', '/v1/messages'],
        bodies: answers,
        ...(kind === 'bookkeeping' ? { bookkeeping: { apiKey: API_KEY } } : {}),
      } satisfies BareServerOptions,
      start,
    )
    servers.push(server)
    return server
  }
  const peers: Record<PeerKind, ServerProcess> = {
    bookkeeping: await peerOf('bookkeeping', bodies),
    bare: await peerOf('bare', itemBodies),
  }
  let baseline: ServerProcess | null = null
  if (options.baseline !== undefined && runtime.execPath === process.execPath) {
    baseline = await startGatewayProcess(`gateway at ${options.baseline.revision}`, config, sandbox, {
      build: options.baseline.build,
    })
    servers.push(baseline)
  }

  const spec = (paths: string[]) => ({ paths, headers: AUTH })
  const load = { warmupS: options.warmupS, durationS: options.durationS, connections: options.connections }
  const results: ScenarioResult[] = scenarioPlans.map((plan) => ({
    plan,
    gateway: [],
    peer: [],
    baseline: [],
    latency: { p50: 0, p95: 0, p99: 0 },
  }))
  for (let round = 1; round <= options.rounds; round++) {
    log(`  ${name}: round ${round} of ${options.rounds}`)
    for (const r of results) {
      const sides = (['peer', 'gateway', 'baseline'] as const).filter((w) => w !== 'baseline' || baseline !== null)
      for (const which of round % 2 === 1 ? sides : [...sides].reverse()) {
        const server =
          which === 'gateway' ? gw : which === 'baseline' ? (baseline as ServerProcess) : peers[r.plan.peer]
        const m = await measure(server, spec(r.plan.paths), load)
        r[which].push(m)
        const label = which === 'peer' ? PEER_LABEL[r.plan.peer] : which === 'baseline' ? server.name : 'gateway'
        log(
          `    ${r.plan.id.padEnd(17)} ${label.padEnd(25)} ${m.rps.toFixed(0).padStart(6)} req/s  p99 ${m.p99} ms${m.non2xx + m.errors > 0 ? `  (${m.non2xx} non-2xx, ${m.errors} errors)` : ''}`,
        )
      }
    }
  }
  for (const r of results) r.latency = await sequentialLatency(gw.url, r.plan.paths, options.latencyRequests)

  const profiles = new Map<string, ProfileSummary>()
  if (options.profile) {
    for (const r of results) {
      if (r.plan.target === null || ratio(r) >= r.plan.target) continue
      const file = path.join(
        ROOT,
        'bench',
        'profiles',
        `replica-${store.kind}-node${runtime.version}-${r.plan.id}.cpuprofile`,
      )
      await mkdir(path.dirname(file), { recursive: true })
      log(`  ${name}: profiling ${r.plan.id}`)
      await measure(gw, spec(r.plan.paths), {
        ...load,
        timed: { start: () => gw.startProfile(), stop: () => gw.stopProfile(file) },
      })
      profiles.set(r.plan.id, await summarizeProfile(file, ROOT, runtime.build.dir))
    }
  }
  const ids = new Set(walk.messages.map((m) => m.id))
  return {
    store,
    runtime,
    startups,
    walk: {
      messages: walk.messages.length,
      pages: walk.cursors.length + 1,
      ms: walk.ms,
      duplicates: walk.messages.length - ids.size,
      rssAfter,
    },
    scenarios: results,
    profiles,
  }
}

const mean = (ms: Measurement[], f: (m: Measurement) => number) => ms.reduce((s, m) => s + f(m), 0) / ms.length
const ratio = (r: ScenarioResult) => mean(r.gateway, (m) => m.rps) / mean(r.peer, (m) => m.rps)
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

export interface HotPathOutcome {
  /** The `replica-hot-path` block of docs/benchmarks.md. */
  text: string
  /** One line per target, met or missed. */
  verdicts: string[]
}

export async function runHotPath(options: HotPathOptions, driverBuild: Runtime): Promise<HotPathOutcome> {
  const { log } = options
  const communications = Math.round(options.messages * 0.9)
  const tickets = 500
  const notesPerTicket = Math.max(1, Math.round((options.messages - communications) / tickets))
  const servers: ServerProcess[] = []
  const combos: ComboResult[] = []
  try {
    log(
      `Replica hot path: ${communications} BatchBook communications, ${tickets} Snappy tickets × ${notesPerTicket} notes`,
    )
    const sandboxServer = await startSandboxProcess(
      { timeoutMs: 10_000, unlimited: true, volume: { communications, tickets, notesPerTicket } },
      { build: driverBuild.build, readyTimeoutMs: 300_000 },
    )
    servers.push(sandboxServer)
    const sandbox = sandboxServer.info
    for (const kind of options.stores) {
      log(`  ${STORE_LABEL[kind]}: backfilling`)
      const store = await prepareStore(kind, sandbox, driverBuild, log)
      try {
        log(`  ${STORE_LABEL[kind]}: ${store.messages} messages in ${(store.backfillMs / 1000).toFixed(0)} s`)
        for (const runtime of options.runtimes) {
          const started = servers.length
          try {
            combos.push(await measureCombo(store, sandbox, runtime, options, servers))
          } finally {
            await Promise.allSettled(servers.splice(started).map((s) => s.stop()))
          }
        }
      } finally {
        await store.remove()
      }
    }
  } finally {
    await Promise.allSettled(servers.reverse().map((s) => s.stop()))
  }
  return render(combos, options)
}

function render(combos: ComboResult[], options: HotPathOptions): HotPathOutcome {
  const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1))
  const verdicts: string[] = []
  const rows: string[][] = []
  for (const c of combos) {
    for (const r of c.scenarios) {
      const rps = (list: Measurement[]) =>
        `${mean(list, (m) => m.rps).toFixed(0)} (${list.map((m) => m.rps.toFixed(0)).join(' / ')})`
      const value = ratio(r)
      const checks: string[] = []
      if (r.plan.target !== null) {
        const met = value >= r.plan.target
        checks.push(`≥ ${r.plan.target}: **${met ? 'met' : 'missed'}**`)
        verdicts.push(
          `${r.plan.title} vs ${PEER_LABEL[r.plan.peer]}, ${STORE_LABEL[c.store.kind]}, ${c.runtime.label}: ${value.toFixed(2)} (target ≥ ${r.plan.target}): ${met ? 'met' : 'missed'}`,
        )
      }
      if (r.baseline.length > 0) {
        verdicts.push(
          `${r.plan.title}, ${STORE_LABEL[c.store.kind]}, ${c.runtime.label}: gateway/gateway at ${options.baseline?.revision} = ${(mean(r.gateway, (m) => m.rps) / mean(r.baseline, (m) => m.rps)).toFixed(2)} (${mean(r.gateway, (m) => m.rps).toFixed(0)} against ${mean(r.baseline, (m) => m.rps).toFixed(0)} req/s)`,
        )
      }
      const bound = r.plan.latency
      if (bound !== null && bound.stores.includes(c.store.kind)) {
        const got = bound.percentile === 95 ? r.latency.p95 : r.latency.p99
        const met = got < bound.ms
        checks.push(`p${bound.percentile} < ${bound.ms} ms: **${met ? 'met' : 'missed'}**`)
        verdicts.push(
          `${r.plan.title}, ${STORE_LABEL[c.store.kind]}, ${c.runtime.label}: p${bound.percentile} ${ms(got)} ms one at a time (target < ${bound.ms} ms): ${met ? 'met' : 'missed'}`,
        )
      }
      rows.push([
        STORE_LABEL[c.store.kind],
        c.runtime.label,
        r.plan.title,
        PEER_LABEL[r.plan.peer],
        rps(r.gateway),
        rps(r.peer),
        value.toFixed(2),
        String(mean(r.gateway, (m) => m.p99).toFixed(0)),
        `${ms(r.latency.p50)} / ${ms(r.latency.p95)} / ${ms(r.latency.p99)}`,
        checks.join('; ') || 'reported only',
      ])
    }
  }
  const startRows = combos.map((c) => {
    const ready = median(c.startups)
    const readyMet = ready < 2000
    const rssMet = c.walk.rssAfter < 300 * 1024 ** 2
    verdicts.push(
      `ready with ${c.store.messages} messages, ${STORE_LABEL[c.store.kind]}, ${c.runtime.label}: ${(ready / 1000).toFixed(2)} s (target < 2 s): ${readyMet ? 'met' : 'missed'}`,
      `RSS after a full walk, ${STORE_LABEL[c.store.kind]}, ${c.runtime.label}: ${mib(c.walk.rssAfter)} MiB (target < 300 MiB): ${rssMet ? 'met' : 'missed'}`,
    )
    return [
      STORE_LABEL[c.store.kind],
      c.runtime.label,
      String(c.store.messages),
      `${mib(c.store.sizeBytes)} MiB`,
      `${(ready / 1000).toFixed(2)} s (${c.startups.map((s) => (s / 1000).toFixed(2)).join(' / ')}): **${readyMet ? 'met' : 'missed'}**`,
      `${c.walk.messages} in ${c.walk.pages} pages, ${(c.walk.ms / 1000).toFixed(1)} s, ${c.walk.duplicates} duplicates`,
      `${mib(c.walk.rssAfter)} MiB: **${rssMet ? 'met' : 'missed'}**`,
    ]
  })
  const stores = [...new Map(combos.map((c) => [c.store.kind, c.store])).values()]
  const lines = [
    '## Replica hot path',
    '',
    `Written by \`npm run bench\` (\`bench/replica/hot-path.ts\`). Each store was filled by a gateway backfilling the sandbox's simulators started with the volume option (${options.messages} messages asked for: 90% BatchBook communications, the rest Snappy notes of 500 open tickets), with the participants of every BatchBook message; then, per Node version, a gateway on the full store served the scenarios with the documented upstream limits (its sync polling in the background). No scenario request reached an upstream.`,
    '',
    `- Throughput: autocannon, ${options.connections} connections, ${options.warmupS} s warm-up + ${options.durationS} s timed, ${options.rounds} rounds (order alternating); req/s counts 2xx answers (each round in brackets). Peers run on the same Node as the gateway and answer the JSON the gateway answered, read once before the runs (\`bench/servers/bare.ts\`; "with bookkeeping" adds a pino line, a request id, a constant-time key check and an ETag per request).`,
    `- Latency "one at a time": ${options.latencyRequests} requests per scenario over one keep-alive connection, none in flight together, exact p50 / p95 / p99 in ms. The latency targets are checked on these (no queueing behind the load generator's own requests); the p99 under load is the autocannon run's.`,
    '- Paths: `GET /v1/messages/{id}` over 200 messages spread across the timeline; the first page; 50 keyset cursors from 25% to 75% into the timeline; 50 different one-word searches taken from subjects; 50 contacts with `createdSince` one year before the newest message.',
    '',
    table(
      [
        'store',
        'Node',
        'scenario',
        'peer',
        'gateway req/s',
        'peer req/s',
        'gateway/peer',
        'p99 under load ms',
        'one at a time p50 / p95 / p99 ms',
        'target',
      ],
      rows,
    ),
    '',
    '### Start-up and memory',
    '',
    'Time to ready: from forking the gateway process (compiled JavaScript, as the image runs it) to the first 200 from `/readyz`, three cold starts, the median first. RSS: the gateway process after the full walk of the timeline (`limit=100`).',
    '',
    table(['store', 'Node', 'messages', 'store size', 'time to ready', 'full walk', 'RSS after the walk'], startRows),
    '',
    '### Filling the store',
    '',
    table(
      ['store', 'messages', 'backfill (simulators unlimited, pages of 1,000)', 'participants filled'],
      stores.map((s) => [
        STORE_LABEL[s.kind],
        String(s.messages),
        `${(s.backfillMs / 1000).toFixed(0)} s`,
        `${(s.participantsMs / 1000).toFixed(0)} s`,
      ]),
    ),
    '',
  ]
  for (const c of combos) {
    for (const [id, p] of c.profiles) {
      const busy = p.totalMs - p.idleMs
      lines.push(
        `### Profile: ${id}, ${STORE_LABEL[c.store.kind]}, ${c.runtime.label}`,
        '',
        `The measured gateway under the same load with the V8 CPU profiler on (1 ms sampling): busy ${(busy / 1000).toFixed(1)} s of ${(p.totalMs / 1000).toFixed(1)} s, garbage collection ${((100 * p.gcMs) / Math.max(1, busy)).toFixed(1)}% of busy time.`,
        '',
        table(
          ['function (self time)', 'where', '% busy'],
          p.selfByFunction.slice(0, 12).map((r) => [`\`${r.name}\``, r.where, r.percent.toFixed(1)]),
        ),
        '',
        table(
          ['file or package (self time)', '% busy'],
          p.selfByModule.slice(0, 12).map((r) => [r.name, r.percent.toFixed(1)]),
        ),
        '',
      )
    }
  }
  lines.push('### Targets', '', ...verdicts.map((v) => `- ${v}`))
  return { text: lines.join('\n'), verdicts }
}
