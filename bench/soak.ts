/**
 * `npm run soak`: a few minutes of mixed traffic (reads, lists, writes within the upstream
 * budgets) against one gateway while the simulators' fault API injects upstream failures in
 * episodes. The gateway runs as deployed: the synced replica on (embedded store), its sync
 * polling the simulators, and a webhook endpoint receiving every event. It reports every 5xx
 * that no injected fault explains (target 0), the growth of the gateway's RSS after warm-up
 * (target under 10%) and the webhook deliveries, into docs/benchmarks.md.
 *
 * Options (after `npm run soak --`): --duration=S (default 180; `--duration=30` for a quick
 * check), --rate=N (requests per second, default 100), --concurrency=N (most requests in
 * flight, default 32), --warmup=F (share of the run before the RSS baseline, default 0.25),
 * --seed=N, --no-doc (print only).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { Webhook } from 'standardwebhooks'
import { request as httpRequest, Pool } from 'undici'
import type { RateLimit } from '../src/config.js'
import { encodeCursor } from '../src/cursor.js'
import type { Fault } from '../src/sandbox/frame/faults.js'
import type { Source as SourceRecord } from '../src/schemas/source.js'
import { DOC_PATH, mib, readDoc, table, withBlock, writeDoc } from './lib/doc.js'
import { describeMachine, gitRevision } from './lib/machine.js'
import { ROOT, type ServerProcess } from './lib/processes.js'
import { compileServers } from './lib/build.js'
import { AUTH, gatewayConfig, getJson, startGatewayProcess, startSandboxProcess } from './lib/setup.js'
import type { SandboxInfo } from './servers/sandbox.js'

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '180' },
    rate: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '0.25' },
    seed: { type: 'string', default: '42' },
    'no-doc': { type: 'boolean', default: false },
  },
})
const number = (name: string, value: string | undefined, min: number, max: number) => {
  const n = Number(value)
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}`)
  return n
}
const durationS = number('duration', args.duration, 10, 900)
const rate = number('rate', args.rate, 1, 2000)
const concurrency = Math.round(number('concurrency', args.concurrency, 1, 256))
const warmupShare = number('warmup', args.warmup, 0.05, 0.8)
const seed = Math.round(number('seed', args.seed, 0, 2 ** 31))

/** Upstream limits of the run, enforced by the simulators and kept by the gateway. */
const LIMITS: { batchbook: RateLimit; snappy: RateLimit } = {
  batchbook: { max: 100, windowMs: 1000 },
  snappy: { max: 200, windowMs: 1000 },
}
const TIMEOUT_MS = 2000
const COOLDOWN_MS = 2000
/** How long after an episode's faults are cleared its effects may still show (deadline, breaker cool-down, slack). */
const GRACE_MS = TIMEOUT_MS + COOLDOWN_MS + 1000
const EPISODE_MS = 6000
const QUIET_MS = 9000
const FIRST_EPISODE_MS = 5000

const log = (line: string) => process.stdout.write(`${line}\n`)

// A small seeded generator: the same seed gives the same mix.
let state = seed >>> 0 || 1
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0
  let t = state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T

type Source = 'batchbook' | 'snappy'
type FaultClass = 'status-500' | 'status-503' | 'reset' | 'malformed' | 'timeout' | 'slow'

interface EpisodeSpec {
  source: Source
  kind: FaultClass
  describe: string
  faults: Fault[]
  /** Latency added to every request of the simulator during the episode. */
  baseLatencyMs?: number
}

/** The episodes, in turn. Filters leave the control API alone (it is never faulted anyway). */
const EPISODES: EpisodeSpec[] = [
  {
    source: 'batchbook',
    kind: 'status-500',
    describe: '3 × HTTP 500',
    faults: [{ type: 'status', status: 500, times: 3 }],
  },
  {
    source: 'snappy',
    kind: 'status-503',
    describe: '2 × HTTP 503 with Retry-After: 1',
    faults: [{ type: 'status', status: 503, retryAfter: 1, times: 2 }],
  },
  {
    source: 'batchbook',
    kind: 'reset',
    describe: '3 × connection reset mid-body',
    faults: [{ type: 'reset', times: 3 }],
  },
  {
    source: 'snappy',
    kind: 'timeout',
    describe: `2 × ${TIMEOUT_MS + 500} ms latency (past the deadline), 40 ms on every call`,
    faults: [{ type: 'latency', ms: TIMEOUT_MS + 500, times: 2 }],
    baseLatencyMs: 40,
  },
  {
    source: 'snappy',
    kind: 'status-500',
    describe: '6 × HTTP 500 (opens the circuit)',
    faults: [{ type: 'status', status: 500, times: 6 }],
  },
  {
    source: 'batchbook',
    kind: 'slow',
    describe: '10 × 300 ms latency, 20 ms on every call',
    faults: [{ type: 'latency', ms: 300, times: 10 }],
    baseLatencyMs: 20,
  },
  {
    source: 'batchbook',
    kind: 'status-503',
    describe: '2 × HTTP 503 without Retry-After',
    faults: [{ type: 'status', status: 503, times: 2 }],
  },
  {
    source: 'snappy',
    kind: 'malformed',
    describe: '2 × truncated JSON body',
    faults: [{ type: 'malformed', times: 2 }],
  },
  { source: 'snappy', kind: 'reset', describe: '3 × connection reset mid-body', faults: [{ type: 'reset', times: 3 }] },
]

interface Episode {
  spec: EpisodeSpec
  start: number
  /** When its remaining faults were cleared. */
  end: number
  injected: number
  consumed: number
  attributed: number
}

interface Problem {
  code?: string
  detail?: string
  upstream?: { source?: string; status?: number | null }
}

/** Whether an injected fault of this class explains a problem answer. */
function explains(kind: FaultClass, status: number, problem: Problem): boolean {
  const code = problem.code
  const upstreamStatus = problem.upstream?.status
  if (code === 'circuit_open') return true
  switch (kind) {
    case 'status-500':
      return status === 502 && code === 'upstream_unavailable' && upstreamStatus === 500
    case 'status-503':
      return status === 503 && code === 'upstream_unavailable' && upstreamStatus === 503
    case 'reset':
      return (
        (status === 502 && code === 'upstream_unavailable' && upstreamStatus === null) ||
        code === 'upstream_bad_response'
      )
    case 'malformed':
      return code === 'upstream_bad_response'
    case 'timeout':
      return status === 504 && code === 'upstream_timeout'
    case 'slow':
      return false
  }
}

interface Unexplained {
  at: number
  op: string
  status: number
  code: string
  detail: string
}

const machine = describeMachine()
const revision = gitRevision(ROOT)
const began = Date.now()
log(
  `Switchboard soak: ${durationS} s at ${rate} req/s (at most ${concurrency} in flight), faults every ${(EPISODE_MS + QUIET_MS) / 1000} s`,
)

/**
 * The webhook endpoint: a loopback server that checks every delivery's signature the way an
 * integrator would (standardwebhooks) and counts them; a retry repeats its event's id.
 */
interface Receiver {
  url: string
  deliveries: number
  invalid: number
  ids: Set<string>
  verify: Webhook | null
  server: Server
}

async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    deliveries: 0,
    invalid: 0,
    ids: new Set(),
    verify: null,
    server: createServer(),
  }
  receiver.server.on('request', (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      receiver.deliveries++
      try {
        const headers = Object.fromEntries(
          ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(req.headers[h] ?? '')]),
        )
        receiver.verify?.verify(Buffer.concat(chunks).toString('utf8'), headers)
        receiver.ids.add(headers['webhook-id'] as string)
      } catch {
        receiver.invalid++
      }
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks`
  return receiver
}

const servers: ServerProcess[] = []
let pool: Pool | undefined
const build = compileServers()
const dataDir = mkdtempSync(path.join(tmpdir(), 'switchboard-soak-'))
const receiver = await startReceiver()
try {
  const sandboxServer = await startSandboxProcess(
    { timeoutMs: TIMEOUT_MS, unlimited: false, limits: LIMITS },
    { build },
  )
  servers.push(sandboxServer)
  const sandbox = sandboxServer.info as SandboxInfo
  const originOf = (source: Source) => (source === 'batchbook' ? sandbox.batchbookOrigin : sandbox.snappyOrigin)
  const control = async (source: Source, method: 'POST' | 'PUT' | 'DELETE', what: string, body?: unknown) => {
    const res = await httpRequest(`${originOf(source)}/__sandbox/${what}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.body.text()
    if (res.statusCode !== 200) throw new Error(`${method} ${source} /__sandbox/${what}: ${res.statusCode} ${text}`)
    return JSON.parse(text) as { pending?: number }
  }

  // Production defaults with the limits above (the gateway's budgets are the simulators' limits),
  // a short deadline and cool-down so that a fault's effects end well within the quiet period.
  const config = gatewayConfig(
    sandbox.connections,
    // The replica on, in an embedded store of its own; webhooks may go to the loopback receiver.
    {
      LOG_LEVEL: 'info',
      UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
      BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
      REPLICA: 'true',
      DATA_DIR: dataDir,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    },
    null,
  )
  const gateway = await startGatewayProcess('gateway', config, sandbox, { execArgv: ['--expose-gc'], build })
  servers.push(gateway)

  // The load starts once the replica serves: its backfill done on both connections.
  const backfillStarted = Date.now()
  for (;;) {
    const { data } = await getJson<{ data: SourceRecord[] }>(gateway.url, '/v1/sources')
    if (data.every((s) => s.sync?.backfilledAt != null)) break
    if (Date.now() - backfillStarted > 120_000) throw new Error('the replica did not finish its backfill in 120 s')
    await new Promise((r) => setTimeout(r, 250))
  }
  const backfillS = (Date.now() - backfillStarted) / 1000
  /** Walks the event feed from `cursor` to its end: the events on the way and where it ended. */
  const feedFrom = async (cursor: string | null): Promise<{ events: number; cursor: string | null }> => {
    let events = 0
    for (;;) {
      const page = await getJson<{ data: unknown[]; nextCursor: string; hasMore: boolean }>(
        gateway.url,
        `/v1/events?limit=100${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      )
      events += page.data.length
      cursor = page.nextCursor
      if (!page.hasMore) return { events, cursor }
    }
  }
  // Events from here on reach the endpoint created next (the backfill's own came before it).
  const feedStart = (await feedFrom(null)).cursor
  const endpoint = await httpRequest(`${gateway.url}/v1/webhook-endpoints`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiver.url, description: 'soak' }),
  })
  const { secret } = (await endpoint.body.json()) as { secret?: string }
  if (endpoint.statusCode !== 201 || secret === undefined)
    throw new Error(`could not create the webhook endpoint: answered ${endpoint.statusCode}`)
  receiver.verify = new Webhook(secret)

  type Listed = { data: Array<{ id: string; conversationId: string | null }> }
  const bbIds = (await getJson<Listed>(gateway.url, '/v1/messages?source=batchbook&limit=100')).data.map((m) => m.id)
  const snMessages = (await getJson<Listed>(gateway.url, '/v1/messages?source=snappy&limit=100')).data
  const snIds = snMessages.map((m) => m.id)
  const conversations = [...new Set(snMessages.map((m) => m.conversationId).filter((c): c is string => c !== null))]
  const pages = [0, 10, 20, 30, 40, 50].map((o) =>
    o === 0 ? '' : `&cursor=${encodeCursor({ positions: { batchbook: o }, done: [] })}`,
  )
  if (bbIds.length === 0 || conversations.length === 0) throw new Error('the simulators hold no data')

  // The mix: what each request does, by weight.
  const created: string[] = []
  let writeNo = 0
  type Op = {
    name: string
    weight: number
    make: () => { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string; body?: unknown }
  }
  const ops: Op[] = [
    { name: 'get BatchBook message', weight: 25, make: () => ({ method: 'GET', path: `/v1/messages/${pick(bbIds)}` }) },
    {
      name: 'get conversation',
      weight: 14,
      make: () => ({ method: 'GET', path: `/v1/conversations/${pick(conversations)}` }),
    },
    { name: 'get Snappy message', weight: 10, make: () => ({ method: 'GET', path: `/v1/messages/${pick(snIds)}` }) },
    {
      name: 'conversation messages',
      weight: 6,
      make: () => ({ method: 'GET', path: `/v1/conversations/${pick(conversations)}/messages` }),
    },
    { name: 'unified list', weight: 10, make: () => ({ method: 'GET', path: '/v1/messages?limit=10' }) },
    {
      name: 'BatchBook list page',
      weight: 8,
      make: () => ({ method: 'GET', path: `/v1/messages?source=batchbook&limit=10${pick(pages)}` }),
    },
    { name: 'accounts', weight: 5, make: () => ({ method: 'GET', path: '/v1/accounts' }) },
    {
      name: 'edit BatchBook message',
      weight: 3,
      make: () => ({
        method: 'PATCH',
        path: `/v1/messages/${pick(bbIds)}`,
        body: { subject: `Soak edit ${++writeNo}` },
      }),
    },
    {
      name: 'tag BatchBook message',
      weight: 3,
      make: () => ({ method: random() < 0.5 ? 'PUT' : 'DELETE', path: `/v1/messages/${pick(bbIds)}/tags/soak` }),
    },
    {
      name: 'tag conversation',
      weight: 3,
      make: () => ({
        method: 'PUT',
        path: `/v1/conversations/${pick(conversations)}/tags`,
        body: { tags: [`soak-${++writeNo % 3}`] },
      }),
    },
    {
      name: 'create BatchBook message',
      weight: 3,
      make: () => ({
        method: 'POST',
        path: '/v1/messages',
        body: { source: 'batchbook', kind: 'note', subject: `Soak ${++writeNo}`, body: 'Written by the soak run.' },
      }),
    },
    {
      name: 'delete created message',
      weight: 3,
      make: () => {
        const id = created.shift()
        return id === undefined
          ? { method: 'GET', path: `/v1/messages/${pick(bbIds)}` }
          : { method: 'DELETE', path: `/v1/messages/${id}` }
      },
    },
  ]
  const totalWeight = ops.reduce((sum, op) => sum + op.weight, 0)
  const chooseOp = (): Op => {
    let r = random() * totalWeight
    for (const op of ops) {
      r -= op.weight
      if (r < 0) return op
    }
    return ops[0] as Op
  }

  const episodes: Episode[] = []
  const byStatus = new Map<number, number>()
  const byOp = new Map<string, { count: number; fiveXx: number }>()
  const unexplained: Unexplained[] = []
  const latencies: number[] = []
  let attributedTotal = 0
  let transportErrors = 0
  let skipped = 0
  let sent = 0
  let inFlight = 0

  const attribute = (sentAt: number, doneAt: number, status: number, problem: Problem): Episode | undefined =>
    episodes.find(
      (e) =>
        e.spec.source === problem.upstream?.source &&
        sentAt <= e.end + GRACE_MS &&
        doneAt >= e.start &&
        explains(e.spec.kind, status, problem),
    )

  pool = new Pool(gateway.url, { connections: concurrency, pipelining: 1, headersTimeout: 30_000, bodyTimeout: 30_000 })
  const fire = async (op: Op) => {
    const spec = op.make()
    const sentAt = Date.now()
    const started = performance.now()
    inFlight++
    sent++
    const stats = byOp.get(op.name) ?? { count: 0, fiveXx: 0 }
    byOp.set(op.name, stats)
    stats.count++
    try {
      const res = await (pool as Pool).request({
        method: spec.method,
        path: spec.path,
        headers: { ...AUTH, ...(spec.body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
      })
      const text = await res.body.text()
      const doneAt = Date.now()
      latencies.push(performance.now() - started)
      byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1)
      if (res.statusCode === 201 && spec.method === 'POST') {
        const id = (JSON.parse(text) as { id?: string }).id
        if (id !== undefined) created.push(id)
      }
      if (res.statusCode >= 500) {
        stats.fiveXx++
        let problem: Problem = {}
        try {
          problem = JSON.parse(text) as Problem
        } catch {
          // Not a problem document: nothing can explain it.
        }
        const episode = attribute(sentAt, doneAt, res.statusCode, problem)
        if (episode !== undefined) {
          episode.attributed++
          attributedTotal++
        } else {
          unexplained.push({
            at: sentAt - began,
            op: `${spec.method} ${op.name}`,
            status: res.statusCode,
            code: problem.code ?? '(none)',
            detail: problem.detail ?? text.slice(0, 120),
          })
        }
      }
    } catch (err) {
      transportErrors++
      unexplained.push({
        at: sentAt - began,
        op: `${spec.method} ${op.name}`,
        status: 0,
        code: 'client error',
        detail: String(err).slice(0, 120),
      })
    } finally {
      inFlight--
    }
  }

  // RSS every second. No garbage collection is forced while the load runs (it would shrink the
  // RSS it is measuring); the heap is read after a forced one once the load has stopped.
  const rssSamples: Array<{ at: number; rss: number }> = []
  const sampler = gateway.sampleRss(1000)

  const loadStart = Date.now()
  const warmupEnd = loadStart + durationS * 1000 * warmupShare
  const loadEnd = loadStart + durationS * 1000

  const faultLoop = (async () => {
    let next = loadStart + FIRST_EPISODE_MS
    let i = 0
    while (next + EPISODE_MS <= loadEnd) {
      await sleepUntil(next)
      const spec = EPISODES[i++ % EPISODES.length] as EpisodeSpec
      const start = Date.now()
      const injected = spec.faults.reduce((sum, f) => sum + (f.times ?? 1), 0)
      // Known to the attribution from its start; its end is set when its faults are cleared.
      const episode: Episode = { spec, start, end: Number.POSITIVE_INFINITY, injected, consumed: 0, attributed: 0 }
      episodes.push(episode)
      if (spec.baseLatencyMs !== undefined) await control(spec.source, 'PUT', 'latency', { ms: spec.baseLatencyMs })
      await control(spec.source, 'POST', 'faults', spec.faults)
      await sleepUntil(start + EPISODE_MS)
      // Posting no fault answers how many are still queued.
      const { pending = 0 } = await control(spec.source, 'POST', 'faults', [])
      await control(spec.source, 'DELETE', 'faults')
      episode.end = Date.now()
      episode.consumed = injected - pending
      next = start + EPISODE_MS + QUIET_MS
    }
  })()
  const tickMs = 10
  const loadLoop = (async () => {
    let due = 0
    let lastReport = loadStart
    while (Date.now() < loadEnd) {
      const now = Date.now()
      due = Math.floor(((now - loadStart) / 1000) * rate)
      while (sent + skipped < due) {
        // Open loop, bounded: when too much is in flight the request is skipped, not queued.
        if (inFlight >= concurrency) skipped++
        else void fire(chooseOp())
      }
      if (now - lastReport >= 15_000) {
        lastReport = now
        log(
          `  ${((now - loadStart) / 1000).toFixed(0)} s: ${sent} sent, ${[...byStatus].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0)} 5xx, RSS ${mib(await gateway.rss())} MiB`,
        )
      }
      await new Promise((r) => setTimeout(r, tickMs))
    }
  })()
  await loadLoop
  // Requests still in flight finish (each is bounded by the gateway's deadline and undici's timeouts).
  const drainUntil = Date.now() + 30_000
  while (inFlight > 0 && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 20))
  await faultLoop
  // Deliveries still due go out (the worker retries a failed one; none should fail here).
  const eventsDuring = (await feedFrom(feedStart)).events
  const deliveryDrainUntil = Date.now() + 30_000
  while (receiver.ids.size < eventsDuring && Date.now() < deliveryDrainUntil)
    await new Promise((r) => setTimeout(r, 200))
  const final = await gateway.memory({ gc: true })
  const { samples } = await sampler.stop()
  rssSamples.push(...samples)

  const limitViolations = await Promise.all(
    (['batchbook', 'snappy'] as const).map(
      async (s) => (await getJson<{ limitViolations: number }>(originOf(s), '/__sandbox/stats', {})).limitViolations,
    ),
  )

  // RSS growth: the median of the last tenth of the run against the median of an equally long
  // window right after warm-up.
  const windowMs = Math.max(5000, durationS * 100)
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b)
    return sorted.length === 0 ? 0 : (sorted[Math.floor(sorted.length / 2)] as number)
  }
  const baselineRss = median(
    rssSamples.filter((s) => s.at >= warmupEnd && s.at < warmupEnd + windowMs).map((s) => s.rss),
  )
  const finalRss = median(rssSamples.filter((s) => s.at >= loadEnd - windowMs && s.at <= loadEnd).map((s) => s.rss))
  const growth = baselineRss === 0 ? 0 : finalRss / baselineRss - 1
  const peakRss = Math.max(...rssSamples.map((s) => s.rss))
  // The RSS every 30 s of the run, for the record.
  const course: string[] = []
  for (let t = 0; t <= durationS; t += 30) {
    const sample = rssSamples.find((s) => s.at >= loadStart + t * 1000)
    if (sample !== undefined) course.push(`${t} s ${mib(sample.rss)}`)
  }

  const sortedLatencies = [...latencies].sort((a, b) => a - b)
  const pct = (p: number) =>
    sortedLatencies[Math.min(sortedLatencies.length - 1, Math.floor((p / 100) * sortedLatencies.length))] ?? 0
  const answered = latencies.length
  const fiveXx = [...byStatus].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0)
  const unexplainedCount = unexplained.length
  const elapsedS = (Date.now() - began) / 1000

  log('')
  log(
    `Answered ${answered} of ${sent} requests (${skipped} skipped: too many in flight); ${fiveXx} 5xx, ${attributedTotal} explained by injected faults, ${unexplainedCount} not (target 0)`,
  )
  log(
    `RSS after warm-up ${mib(baselineRss)} MiB, at the end ${mib(finalRss)} MiB: ${(growth * 100).toFixed(1)}% (target under 10%)`,
  )
  log(`Upstream limit violations seen by the simulators: BatchBook ${limitViolations[0]}, Snappy ${limitViolations[1]}`)
  log(
    `Webhooks: ${receiver.ids.size} of ${eventsDuring} events delivered (${receiver.deliveries} deliveries, ${receiver.invalid} with a bad signature)`,
  )
  for (const u of unexplained.slice(0, 10))
    log(`  unexplained: +${(u.at / 1000).toFixed(1)} s ${u.op} → ${u.status} ${u.code}: ${u.detail}`)
  log(`Total ${elapsedS.toFixed(0)} s`)

  const statusCells = [...byStatus]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ')
  const content = [
    '## Soak',
    '',
    `Written by \`npm run soak\` (\`bench/soak.ts\`) at ${machine.date} on the machine above (${machine.cpu}, ${machine.cores} cores, Node.js ${machine.node}), gateway source ${revision}; the run took ${elapsedS.toFixed(0)} s.`,
    '',
    `- **5xx not caused by injected faults: ${unexplainedCount}** (target 0): **${unexplainedCount === 0 ? 'met' : 'missed'}**. ${fiveXx} answers were 5xx in all; ${attributedTotal} of them are explained by an injected fault.`,
    `- **RSS growth after warm-up: ${(growth * 100).toFixed(1)}%** (target under 10%): **${growth < 0.1 ? 'met' : 'missed'}**. Median RSS ${mib(baselineRss)} MiB in the ${(windowMs / 1000).toFixed(0)} s after warm-up, ${mib(finalRss)} MiB in the last ${(windowMs / 1000).toFixed(0)} s; peak ${mib(peakRss)} MiB; heap ${mib(final.heapUsed)} MiB after a forced GC once the load stopped. RSS (MiB) along the run: ${course.join(', ')}.`,
    `- Upstream rate-limit violations counted by the simulators: BatchBook ${limitViolations[0]}, Snappy ${limitViolations[1]}.`,
    `- Synced replica and webhooks: the backfill took ${backfillS.toFixed(1)} s before the load began; ${eventsDuring} events entered the feed from the endpoint's creation to the end of the run, ${receiver.ids.size} of them were delivered to the endpoint (${receiver.deliveries} deliveries, retries included; ${receiver.invalid} failed the signature check).`,
    `- ${durationS} s at ${rate} requests/s (open loop; a request due while ${concurrency} are in flight is skipped: ${skipped} were), warm-up ${(durationS * warmupShare).toFixed(0)} s. ${answered} answers: ${statusCells}${transportErrors > 0 ? `; ${transportErrors} requests failed without an answer` : ''}. Latency p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms.`,
    '',
    '### Set-up',
    '',
    `- Simulators with rate limits of their own (BatchBook ${LIMITS.batchbook.max}, Snappy ${LIMITS.snappy.max} requests per second), which the gateway's budgets equal; the gateway with its production defaults (synced replica on with the embedded store and its sync polling, cache on with its default TTLs, load shedding on, logging at \`info\`), one webhook endpoint for every event (a loopback receiver checking each signature with standardwebhooks; \`WEBHOOK_ALLOW_PRIVATE_NETWORKS=true\` for loopback), except \`UPSTREAM_TIMEOUT_MS=${TIMEOUT_MS}\` and \`BREAKER_COOLDOWN_MS=${COOLDOWN_MS}\`, so that the effects of a fault end well within the quiet time after it. Each in its own process; the gateway's RSS is read from /proc every second.`,
    `- The mix (by weight): ${ops.map((o) => `${o.name} ${o.weight}`).join(', ')}. Writes are ${ops.filter((o) => /edit|tag|create|delete/.test(o.name)).reduce((a, o) => a + o.weight, 0)}% of requests; created messages are deleted again, so the data stays the same size.`,
    `- Faults, through the simulators' \`/__sandbox\` API: an episode every ${(EPISODE_MS + QUIET_MS) / 1000} s from ${FIRST_EPISODE_MS / 1000} s on, queued with \`POST faults\` (plus \`PUT latency\` where said), the unconsumed rest cleared with \`DELETE faults\` after ${EPISODE_MS / 1000} s. Each fault applies to the next matching upstream request, whichever gateway request it serves.`,
    '',
    '### How a 5xx is attributed to an injected fault',
    '',
    `A 5xx answer counts as injected only when its problem body names the upstream source of an episode, the request overlapped that episode (from its start until ${GRACE_MS / 1000} s after its faults were cleared: the upstream deadline, the breaker cool-down and a second of slack), and its code is what that fault produces: HTTP 500 → 502 \`upstream_unavailable\` with \`upstream.status\` 500; HTTP 503 → 503 \`upstream_unavailable\` with \`upstream.status\` 503; a reset → 502 \`upstream_unavailable\` with \`upstream.status\` null (or \`upstream_bad_response\`); a truncated body → 502 \`upstream_bad_response\`; latency past the deadline → 504 \`upstream_timeout\`; any fault → 503 \`circuit_open\` (the breaker the failures opened). Anything else is counted as not injected: \`internal_error\`, \`overloaded\`, a 5xx outside every episode's window, of the other source, or with another upstream status, and requests that failed without an answer.`,
    '',
    '### Episodes',
    '',
    table(
      ['at', 'upstream', 'faults', 'consumed', '5xx explained'],
      episodes.map((e) => [
        `${((e.start - loadStart) / 1000).toFixed(0)} s`,
        e.spec.source,
        e.spec.describe,
        `${e.consumed} of ${e.injected}`,
        String(e.attributed),
      ]),
    ),
    '',
    ...(unexplainedCount === 0
      ? []
      : [
          '### 5xx not explained by a fault',
          '',
          table(
            ['at', 'request', 'status', 'code', 'detail'],
            unexplained
              .slice(0, 20)
              .map((u) => [
                `${(u.at / 1000).toFixed(1)} s`,
                u.op,
                String(u.status),
                u.code,
                u.detail.replace(/\|/g, '\\|'),
              ]),
          ),
          unexplainedCount > 20 ? `\n(${unexplainedCount - 20} more)` : '',
          '',
        ]),
    '### Requests by kind',
    '',
    table(
      ['request', 'sent', '5xx'],
      [...byOp].map(([name, s]) => [name, String(s.count), String(s.fiveXx)]),
    ),
  ].join('\n')

  if (args['no-doc'] !== true) {
    await writeDoc(withBlock(await readDoc(), 'soak', content))
    log(`Wrote the soak section of ${path.relative(ROOT, DOC_PATH)}`)
  }
  if (unexplainedCount > 0 || growth >= 0.1) process.exitCode = 1
} finally {
  await pool?.close()
  await Promise.allSettled(servers.reverse().map((s) => s.stop()))
  await new Promise((resolve) => receiver.server.close(resolve))
  rmSync(dataDir, { recursive: true, force: true })
  build.remove()
}

async function sleepUntil(at: number): Promise<void> {
  const ms = at - Date.now()
  if (ms > 0) await new Promise((r) => setTimeout(r, ms))
}
