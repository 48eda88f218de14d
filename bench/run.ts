/**
 * `npm run bench`: the gateway against bare Fastify and against a plain @fastify/reply-from
 * proxy, side by side in one run on this machine, written into docs/benchmarks.md.
 *
 * Options (after `npm run bench --`): --duration=S (timed run, default 5), --warmup=S
 * (default 1), --rounds=N (default 2; sides alternate which goes first), --connections=N
 * (default 10), --profile=misses|all|none (default misses), --log-level=LEVEL (the
 * gateway's, default info), --only=id,id (scenarios), --no-doc (print only),
 * --against=REF (also run the gateway of that git commit in every scenario and print this
 * gateway's throughput relative to it; implies --no-doc).
 */
import { mkdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { encodeCursor } from '../src/cursor.js'
import { decodeId } from '../src/ids.js'
import { SNAPPY_API_PREFIX, SNAPPY_PATHS } from '../src/upstreams/snappy/wire.js'
import { checkoutBaseline, type Baseline } from './lib/baseline.js'
import { type Build, compileServers } from './lib/build.js'
import { DOC_PATH, block, blockOf, mib, readDoc, table, withBlock, writeDoc } from './lib/doc.js'
import { measure, type LoadSpec, type Measurement } from './lib/load.js'
import { describeMachine, gitRevision, machineLines } from './lib/machine.js'
import { summarizeProfile, type ProfileSummary } from './lib/profile.js'
import { ROOT, startServer, type ServerProcess } from './lib/processes.js'
import { currentRuntime, node24Runtime, type Runtime } from './lib/runtimes.js'
import {
  API_KEY,
  AUTH,
  RAISED_LIMIT,
  gatewayConfig,
  getJson,
  startGatewayProcess,
  startSandboxProcess,
  upstreamAuthorization,
  upstreamRequests,
} from './lib/setup.js'
import type { BareServerOptions } from './servers/bare.js'
import type { ProxyServerOptions } from './servers/proxy.js'
import type { SandboxInfo } from './servers/sandbox.js'
import { runHotPath } from './replica/hot-path.js'
import type { StoreKind } from './replica/store.js'
import { measureSync } from './replica/sync.js'

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '10' },
    profile: { type: 'string', default: 'misses' },
    'log-level': { type: 'string', default: 'info' },
    only: { type: 'string' },
    'no-doc': { type: 'boolean', default: false },
    against: { type: 'string' },
    suite: { type: 'string', default: 'upstream,replica,sync' },
    messages: { type: 'string', default: '100000' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    nodes: { type: 'string', default: '20,24' },
    'latency-requests': { type: 'string', default: '400' },
  },
})

const positive = (name: string, value: string | undefined) => {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`)
  return n
}
const durationS = positive('duration', args.duration)
const warmupS = Number(args.warmup ?? '1')
const rounds = Math.round(positive('rounds', args.rounds))
const connections = Math.round(positive('connections', args.connections))
const profileMode = args.profile ?? 'misses'
if (!['misses', 'all', 'none'].includes(profileMode)) throw new Error('--profile must be misses, all or none')
const logLevel = args['log-level'] ?? 'info'
const only = args.only === undefined ? null : new Set(args.only.split(','))
const baseline: Baseline | null = args.against === undefined ? null : checkoutBaseline(args.against)
const build = compileServers()
const baselineBuild = baseline === null ? null : compileServers(baseline.root)
const compiled = { build }
const writesDoc = args['no-doc'] !== true && baseline === null
const suites = new Set((args.suite ?? '').split(','))
for (const suite of suites)
  if (!['upstream', 'replica', 'sync'].includes(suite)) throw new Error('--suite takes upstream, replica and sync')
const stores = (args.stores ?? '').split(',').map((store) => {
  if (store !== 'sqlite' && store !== 'postgres') throw new Error('--stores takes sqlite and postgres')
  return store as StoreKind
})
const nodes = new Set((args.nodes ?? '').split(','))
/** Builds made for other runtimes (Node 24), removed at the end. */
const extraBuilds: Build[] = []

/** The pool size the gateway gives every upstream origin (src/upstreams/pools.ts); the proxies get the same. */
const UPSTREAM_SOCKETS = 8
const PROFILE_DIR = path.join(ROOT, 'bench', 'profiles')

interface Side {
  label: string
  server: ServerProcess
  spec: LoadSpec
  /** Count upstream calls per request (servers that call the simulators). */
  countUpstream: boolean
}

interface Scenario {
  id: string
  title: string
  what: string
  gateway: Side
  peer: Side
  /** The gateway of the `--against` commit, when one is given. */
  baseline: Side | null
  peerKind: string
  /** Least acceptable gateway/peer ratio of requests per second; null: reported only. */
  target: number | null
  /** Which gateway configuration a profile of this scenario runs. */
  cached: boolean
}

interface Outcome {
  scenario: Scenario
  gateway: Measurement[]
  peer: Measurement[]
  baseline: Measurement[]
}

const log = (line: string) => process.stdout.write(`${line}\n`)
const began = Date.now()
const machine = describeMachine()
const loadBefore = os.loadavg()[0] ?? 0
const revision = gitRevision(ROOT)
if (loadBefore > 0.5)
  log(`  note: the machine is busy (load average ${loadBefore.toFixed(2)}); figures will be lower and noisier`)
log(`Switchboard benchmark: ${machine.cpu}, ${machine.cores} cores, Node.js ${machine.node}`)
log(`  ${rounds} round(s) of ${warmupS} s warm-up + ${durationS} s per side, ${connections} connections`)
if (baseline !== null) log(`  against the gateway at commit ${baseline.revision}`)

const servers: ServerProcess[] = []
const track = async <T extends ServerProcess>(p: Promise<T>): Promise<T> => {
  const server = await p
  servers.push(server)
  return server
}

try {
  if (suites.has('upstream')) {
    const sandboxServer = await track(startSandboxProcess({ timeoutMs: 10_000, unlimited: true }, compiled))
    const sandbox = sandboxServer.info as SandboxInfo
    const batchbook = sandbox.connections.find((c) => c.source === 'batchbook')
    const snappy = sandbox.connections.find((c) => c.source === 'snappy')
    if (batchbook === undefined || snappy === undefined) throw new Error('the sandbox did not start both simulators')

    // Production defaults, except: no load shedding (a saturated loop is the point here),
    // budgets nobody reaches, and a cache that stays fresh for the whole run (warm) or none (cold).
    // These scenarios measure the upstream path (cache hits and misses): the replica is off here,
    // and `npm run bench:replica` measures it.
    const common = {
      LOG_LEVEL: logLevel,
      SHED_EVENT_LOOP_DELAY_MS: '0',
      SHED_EVENT_LOOP_UTILIZATION_PERCENT: '0',
      REPLICA: 'false',
    }
    const warmEnv = { ...common, CACHE_TTL_RECORD_MS: '3600000', CACHE_TTL_LIST_MS: '3600000' }
    const coldEnv = { ...common, CACHE_MAX_BYTES: '0' }
    const warmConfig = gatewayConfig(sandbox.connections, warmEnv, RAISED_LIMIT)
    const coldConfig = gatewayConfig(sandbox.connections, coldEnv, RAISED_LIMIT)
    // Fixtures, read through a gateway of their own (then stopped: every scenario gets fresh servers).
    const fixtures = await startGatewayProcess('gateway (fixtures)', warmConfig, sandbox, compiled)
    type Listed = { data: Array<{ id: string; remoteId: string; conversationId: string | null }> }
    let bbMessages: Listed['data']
    let snMessages: Listed['data']
    let hitBody: unknown
    let listBody: unknown
    let hitPath: string
    const listPath = '/v1/messages'
    try {
      bbMessages = (await getJson<Listed>(fixtures.url, '/v1/messages?source=batchbook&limit=100')).data
      snMessages = (await getJson<Listed>(fixtures.url, '/v1/messages?source=snappy&limit=100')).data
      const hitMessage = bbMessages[0]
      if (hitMessage === undefined) throw new Error('the BatchBook simulator holds no message')
      hitPath = `/v1/messages/${hitMessage.id}`
      hitBody = await getJson(fixtures.url, hitPath)
      listBody = await getJson(fixtures.url, listPath)
    } finally {
      await fixtures.stop()
    }

    const conversations = [...new Set(snMessages.map((m) => m.conversationId).filter((c): c is string => c !== null))]
    const tickets = conversations.map((c) => decodeId('conversation', c, 1).parts[0] as string)
    if (tickets.length < connections)
      log(`  note: only ${tickets.length} distinct conversations for ${connections} connections`)
    // BatchBook pages of 10 at every offset that still fills one: one upstream call each, all different.
    const offsets = Array.from({ length: Math.max(1, bbMessages.length - 9) }, (_, i) => i)
    const pagePath = (offset: number) =>
      `/v1/messages?source=batchbook&limit=10${offset === 0 ? '' : `&cursor=${encodeCursor({ positions: { batchbook: offset }, done: [] })}`}`

    // Every scenario has processes of its own, so that each peak RSS is that scenario's alone.
    const gatewayFor = (id: string, cached: boolean, from = build) =>
      track(
        startGatewayProcess(
          `gateway ${cached ? '(cached)' : '(cache off)'} for ${id}`,
          cached ? warmConfig : coldConfig,
          sandbox,
          { build: from },
        ),
      )
    const bareFor = (id: string, path: string, body: unknown, bookkeeping = false) =>
      track(
        startServer(
          `bare Fastify for ${id}`,
          'bare.ts',
          {
            routes: ['/v1/messages/:id', '/v1/messages'],
            bodies: { [path]: body },
            ...(bookkeeping ? { bookkeeping: { apiKey: API_KEY } } : {}),
          } satisfies BareServerOptions,
          compiled,
        ),
      )
    const proxyFor = (id: string, upstream: 'batchbook' | 'snappy') =>
      track(
        startServer(
          `reply-from for ${id}`,
          'proxy.ts',
          {
            origin: upstream === 'batchbook' ? sandbox.batchbookOrigin : sandbox.snappyOrigin,
            authorization: upstreamAuthorization(upstream === 'batchbook' ? batchbook : snappy),
            routes: [upstream === 'batchbook' ? '/service/*' : `${SNAPPY_API_PREFIX}/*`],
            connections: UPSTREAM_SOCKETS,
          } satisfies ProxyServerOptions,
          compiled,
        ),
      )
    const side = (
      label: string,
      server: ServerProcess,
      paths: string[],
      countUpstream: boolean,
      headers: Record<string, string> = {},
    ): Side => ({
      label,
      server,
      spec: { paths, headers },
      countUpstream,
    })

    interface Plan extends Omit<Scenario, 'gateway' | 'peer' | 'baseline'> {
      gatewayPaths: string[]
      peer: () => Promise<Side>
    }
    // The two unified-list scenarios share their peer (the same page from memory), measured once a round.
    let listPeer: Promise<Side> | undefined
    const sharedListPeer = () =>
      (listPeer ??= bareFor('unified list', listPath, listBody).then((s) => side('bare Fastify', s, [listPath], false)))
    const plans: Plan[] = [
      {
        id: 'cache-hit',
        title: 'Cache hit',
        what: '`GET /v1/messages/{id}` of one BatchBook message whose record and participants are cached',
        cached: true,
        target: 0.8,
        peerKind: 'bare Fastify',
        gatewayPaths: [hitPath],
        peer: async () => side('bare Fastify', await bareFor('cache-hit', hitPath, hitBody), [hitPath], false),
      },
      {
        id: 'hit-bookkeeping',
        title: 'Cache hit, against Fastify with the same bookkeeping',
        what: '`GET /v1/messages/{id}` as in "Cache hit", against Fastify answering the same JSON from memory with a JSON log line per request, a request id, a constant-time key check and an ETag (`bench/servers/bare.ts`)',
        cached: true,
        target: null,
        peerKind: 'Fastify with bookkeeping',
        gatewayPaths: [hitPath],
        peer: async () =>
          side(
            'Fastify with bookkeeping',
            await bareFor('hit-bookkeeping', hitPath, hitBody, true),
            [hitPath],
            false,
            AUTH,
          ),
      },
      {
        id: 'json-miss',
        title: 'Cache miss, JSON upstream',
        what: `\`GET /v1/conversations/{id}\` over ${tickets.length} Snappy tickets, cache off: one upstream \`GET /api/v1/ticket/{id}\` each`,
        cached: false,
        target: 1.0,
        peerKind: 'plain proxy',
        gatewayPaths: conversations.map((c) => `/v1/conversations/${c}`),
        peer: async () =>
          side(
            'reply-from',
            await proxyFor('json-miss', 'snappy'),
            tickets.map((t) => `${SNAPPY_API_PREFIX}${SNAPPY_PATHS.ticket.path({ id: t })}`),
            true,
          ),
      },
      {
        id: 'xml-miss',
        title: 'Cache miss, XML upstream',
        what: `\`GET /v1/messages?source=batchbook&limit=10\` at ${offsets.length} offsets, cache off: one upstream \`GET /service/communications.xml?offset=N&limit=10\` each`,
        cached: false,
        target: 0.7,
        peerKind: 'plain proxy',
        gatewayPaths: offsets.map(pagePath),
        peer: async () =>
          side(
            'reply-from',
            await proxyFor('xml-miss', 'batchbook'),
            offsets.map((o) => `/service/communications.xml?offset=${o}&limit=10`),
            true,
          ),
      },
      {
        id: 'xml-item',
        title: 'Cache miss, one BatchBook message',
        what: `\`GET /v1/messages/{id}\` over ${bbMessages.length} BatchBook messages, cache off: two upstream calls each (the communication and its participants); the proxy makes the first only`,
        cached: false,
        target: null,
        peerKind: 'plain proxy',
        gatewayPaths: bbMessages.map((m) => `/v1/messages/${m.id}`),
        peer: async () =>
          side(
            'reply-from',
            await proxyFor('xml-item', 'batchbook'),
            bbMessages.map((m) => `/service/communications/${m.remoteId}.xml`),
            true,
          ),
      },
      {
        id: 'list-cold',
        title: 'Unified list, cold',
        what: '`GET /v1/messages` (25 newest over both sources), cache off: every upstream read of the page each time',
        cached: false,
        target: null,
        peerKind: 'bare Fastify',
        gatewayPaths: [listPath],
        peer: sharedListPeer,
      },
      {
        id: 'list-warm',
        title: 'Unified list, warm',
        what: '`GET /v1/messages` (25 newest over both sources), every upstream read cached',
        cached: true,
        target: null,
        peerKind: 'bare Fastify',
        gatewayPaths: [listPath],
        peer: sharedListPeer,
      },
    ]
    log('  starting the servers')
    const scenarios: Scenario[] = await Promise.all(
      plans
        .filter((p) => only === null || only.has(p.id))
        .map(async ({ gatewayPaths, peer, ...p }) => ({
          ...p,
          gateway: side(
            p.cached ? 'gateway (cached)' : 'gateway (cache off)',
            await gatewayFor(p.id, p.cached),
            gatewayPaths,
            true,
            AUTH,
          ),
          peer: await peer(),
          baseline:
            baseline === null || baselineBuild === null
              ? null
              : side(
                  `gateway at ${baseline.revision}`,
                  await gatewayFor(p.id, p.cached, baselineBuild),
                  gatewayPaths,
                  true,
                  AUTH,
                ),
        })),
    )

    const counter = () => upstreamRequests(sandbox)
    const outcomes = new Map<string, Outcome>(
      scenarios.map((s) => [s.id, { scenario: s, gateway: [], peer: [], baseline: [] }]),
    )
    const run = async (s: Side): Promise<Measurement> => {
      const m = await measure(s.server, s.spec, {
        warmupS,
        durationS,
        connections,
        ...(s.countUpstream ? { counter } : {}),
      })
      const bad = m.non2xx + m.errors + m.timeouts
      log(
        `    ${s.label.padEnd(22)} ${m.rps.toFixed(0).padStart(7)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms  RSS ${mib(m.peakRss)} MiB` +
          (m.perRequest === null ? '' : `  upstream/req ${m.perRequest.toFixed(2)}`) +
          (bad > 0 ? `  (${m.non2xx} non-2xx, ${m.errors} errors, ${m.timeouts} timeouts)` : ''),
      )
      return m
    }

    for (let round = 1; round <= rounds; round++) {
      log(`Round ${round} of ${rounds}`)
      // A peer shared by two scenarios (the list's bare Fastify) is measured once per round.
      const shared = new Map<Side, Measurement>()
      const once = async (s: Side) => {
        const known = shared.get(s)
        if (known !== undefined) return known
        const m = await run(s)
        shared.set(s, m)
        return m
      }
      for (const scenario of scenarios) {
        log(`  ${scenario.title}`)
        const outcome = outcomes.get(scenario.id) as Outcome
        const order: Array<'gateway' | 'peer' | 'baseline'> =
          round % 2 === 1 ? ['peer', 'gateway', 'baseline'] : ['baseline', 'gateway', 'peer']
        for (const which of order) {
          const s = scenario[which]
          if (s !== null) outcome[which].push(await once(s))
        }
      }
    }

    const summaries = [...outcomes.values()].map(summarize)

    // Profiles: a gateway of its own under the same load, the CPU profiler on for the timed run only.
    const profiles = new Map<string, ProfileSummary>()
    const toProfile = summaries.filter((s) => profileMode === 'all' || (profileMode === 'misses' && s.met === false))
    if (toProfile.length > 0) {
      await rm(PROFILE_DIR, { recursive: true, force: true })
      await mkdir(PROFILE_DIR, { recursive: true })
    }
    for (const summary of toProfile) {
      const { scenario } = summary.outcome
      log(`Profiling the gateway: ${scenario.title}`)
      const file = path.join(PROFILE_DIR, `${scenario.id}.cpuprofile`)
      const profiled = await startGatewayProcess(
        `gateway (profiled, ${scenario.id})`,
        scenario.cached ? warmConfig : coldConfig,
        sandbox,
        compiled,
      )
      try {
        const m = await measure(profiled, scenario.gateway.spec, {
          warmupS,
          durationS,
          connections,
          timed: { start: () => profiled.startProfile(), stop: () => profiled.stopProfile(file) },
        })
        log(`    gateway (profiled)     ${m.rps.toFixed(0).padStart(7)} req/s`)
      } finally {
        await profiled.stop()
      }
      profiles.set(scenario.id, await summarizeProfile(file, ROOT, build.dir))
    }

    const elapsedS = (Date.now() - began) / 1000
    log('')
    for (const s of summaries) {
      log(
        `${s.outcome.scenario.title}: gateway/${s.outcome.scenario.peerKind} = ${s.ratio.toFixed(2)}${s.met === null ? '' : ` (target ${s.outcome.scenario.target}: ${s.met ? 'met' : 'missed'})`}`,
      )
    }
    if (baseline !== null) {
      for (const s of summaries) {
        const before = aggregate(s.outcome.baseline)
        log(
          `${s.outcome.scenario.title}: gateway/gateway at ${baseline.revision} = ${(s.gateway.rps / before.rps).toFixed(2)} (${s.gateway.rps.toFixed(0)} against ${before.rps.toFixed(0)} req/s)`,
        )
      }
    }

    if (writesDoc) {
      const previous = await readDoc()
      await writeDoc(render(summaries, profiles, elapsedS, previous))
      log(`Wrote ${path.relative(ROOT, DOC_PATH)}`)
    }
  }

  if (suites.has('replica')) {
    const runtimes = [currentRuntime(build)]
    if (nodes.has('24') && !process.versions.node.startsWith('24.')) runtimes.push(node24Runtime(log))
    extraBuilds.push(...runtimes.slice(1).map((r) => r.build))
    const outcome = await runHotPath(
      {
        messages: Math.round(positive('messages', args.messages)),
        stores,
        runtimes: runtimes.filter((r) => nodes.has(r.version.split('.')[0] as string)),
        warmupS,
        durationS,
        rounds,
        connections,
        latencyRequests: Math.round(positive('latency-requests', args['latency-requests'])),
        profile: profileMode !== 'none',
        log,
        ...(baseline === null || baselineBuild === null
          ? {}
          : { baseline: { revision: baseline.revision, build: baselineBuild } }),
      },
      runtimes[0] as Runtime,
    )
    log('')
    for (const verdict of outcome.verdicts) log(verdict)
    if (writesDoc) {
      const heading = [`Measured at ${revision}.`, '', ...machineLines(describeMachine()), '']
      await writeDoc(withBlock(await readDoc(), 'replica-hot-path', [heading.join('\n'), outcome.text].join('\n')))
      log(`Wrote the replica hot path into ${path.relative(ROOT, DOC_PATH)}`)
    }
  }

  if (suites.has('sync')) {
    log('Replica backfill at the documented limits')
    const heading = `Written by \`npm run bench\` at ${revision}, Node ${process.version}, load average ${(os.loadavg()[0] ?? 0).toFixed(2)} at the start.`
    const text = await measureSync({ communications: 2000, tickets: 300, stores, dashboardS: 30 }, heading)
    log(text)
    if (writesDoc) await writeDoc(withBlock(await readDoc(), 'replica', text))
  }
  log(`Total ${((Date.now() - began) / 1000).toFixed(0)} s`)
} finally {
  await Promise.allSettled(servers.reverse().map((s) => s.stop()))
  build.remove()
  for (const b of extraBuilds) b.remove()
  baselineBuild?.remove()
  baseline?.remove()
}

interface Summary {
  outcome: Outcome
  gateway: Aggregate
  peer: Aggregate
  ratio: number
  met: boolean | null
}

interface Aggregate {
  rps: number
  p50: number
  p99: number
  peakRss: number
  perRequest: number | null
  perRound: number[]
  failures: number
}

function aggregate(ms: Measurement[]): Aggregate {
  const mean = (f: (m: Measurement) => number) => ms.reduce((sum, m) => sum + f(m), 0) / ms.length
  const per = ms.map((m) => m.perRequest).filter((v): v is number => v !== null)
  return {
    rps: mean((m) => m.rps),
    p50: mean((m) => m.p50),
    p99: mean((m) => m.p99),
    peakRss: Math.max(...ms.map((m) => m.peakRss)),
    perRequest: per.length === 0 ? null : per.reduce((a, b) => a + b, 0) / per.length,
    perRound: ms.map((m) => m.rps),
    failures: ms.reduce((sum, m) => sum + m.non2xx + m.errors + m.timeouts, 0),
  }
}

function summarize(outcome: Outcome): Summary {
  const gateway = aggregate(outcome.gateway)
  const peer = aggregate(outcome.peer)
  const ratio = gateway.rps / peer.rps
  const target = outcome.scenario.target
  return { outcome, gateway, peer, ratio, met: target === null ? null : ratio >= target }
}

function render(
  summaries: Summary[],
  profiles: Map<string, ProfileSummary>,
  elapsedS: number,
  previous: string,
): string {
  // autocannon's latencies are whole milliseconds: 0 means under one.
  const ms = (v: number) => (v === 0 ? '<1' : v < 10 ? v.toFixed(1) : v.toFixed(0))
  const rows: string[][] = []
  for (const s of summaries) {
    const { scenario } = s.outcome
    const verdict =
      s.met === null ? 'reported only' : `≥ ${scenario.target?.toFixed(1)}: **${s.met ? 'met' : 'missed'}**`
    const row = (label: string, a: Aggregate, first: boolean) => [
      first ? scenario.title : '',
      label,
      `${a.rps.toFixed(0)} (${a.perRound.map((r) => r.toFixed(0)).join(' / ')})`,
      ms(a.p50),
      ms(a.p99),
      mib(a.peakRss),
      a.perRequest === null ? '–' : a.perRequest.toFixed(2),
      first ? s.ratio.toFixed(2) : '',
      first ? verdict : '',
    ]
    rows.push(row(scenario.gateway.label, s.gateway, true))
    rows.push(
      row(
        scenario.peer.label === scenario.peerKind
          ? scenario.peer.label
          : `${scenario.peer.label} (${scenario.peerKind})`,
        s.peer,
        false,
      ),
    )
  }
  const failures = summaries.filter((s) => s.gateway.failures + s.peer.failures > 0)

  const lines: string[] = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`bench/run.ts`); the soak section below by `npm run soak` (`bench/soak.ts`).',
    'Both run everything on 127.0.0.1 of one machine; re-run them to refresh the figures.',
    '',
    '## Machine',
    '',
    ...machineLines(machine),
    `- Load average (1 min) ${loadBefore.toFixed(2)} before the run, ${(os.loadavg()[0] ?? 0).toFixed(2)} after it (the run itself keeps both cores busy)`,
    `- Gateway source: ${revision}`,
    `- The upstream-path scenarios of \`npm run bench\` took ${elapsedS.toFixed(0)} s`,
    '',
    '## How it is measured',
    '',
    `- Every server runs in a process of its own, compiled by tsc to plain JavaScript first and run with \`node\` as the Dockerfile runs the gateway (\`bench/lib/build.ts\`; not through tsx, whose transform adds work to every closure), and every scenario has its own gateway and peer processes, so a peak RSS is that scenario's alone: the simulators of both upstreams (\`startSandbox({ unlimited: true })\`, no rate limits, one process shared by all), the gateway with its cache (\`gateway (cached)\`) or with \`CACHE_MAX_BYTES=0\` (\`gateway (cache off)\`), bare Fastify, and @fastify/reply-from. The load generator (autocannon, used as a library) runs in the driver process. All of them share the machine's ${machine.cores} cores, so every figure includes the cost of the simulators the servers call.`,
    `- Each side: ${warmupS} s of warm-up (not counted), then ${durationS} s timed with ${connections} keep-alive connections, no pipelining. ${rounds} round(s); the order of gateway and peer alternates between rounds. req/s counts 2xx answers only and is the mean of the rounds (each round's figure in brackets); p50/p99 latencies are means of the rounds' percentiles; peak RSS is the highest \`VmRSS\` of the server's process sampled every 100 ms during the timed runs.`,
    '- The gateway runs with its production defaults (pino logging at `info`, to /dev/null; metrics, request context, ETags, auth), except: load shedding is off (a saturated event loop is what a benchmark makes), every connection\'s rate budget is `{ max: 1000000, windowMs: 1000 }` (the scheduler still runs, it never waits), and the cached gateway\'s TTLs are one hour so that "warm" stays warm.',
    '- Requests walk their list of paths round-robin across all connections, so concurrent misses ask for different records: the gateway\'s coalescing of identical reads in flight (which a proxy does not have) cannot make a miss cheaper. The column "upstream/req" is the number of requests the simulators received per answered request during the timed run.',
    `- Peers: **bare Fastify** answers the same JSON (read once from the gateway) from memory on the same route pattern, with no plugins, hooks or schemas. **Fastify with bookkeeping** is the same server doing what any production API does per request, written as the gateway does it: a pino line to stdout through the asynchronous destination, a request id, a constant-time key check and an ETag. **plain proxy** is @fastify/reply-from passing the upstream route through untouched with the same Basic credentials the gateway sends, over an undici pool of ${UPSTREAM_SOCKETS} sockets like the gateway's (\`src/upstreams/pools.ts\`).`,
    '- XML miss: a BatchBook **list page** (`?source=batchbook&limit=10`, one upstream `communications.xml` call per request, the same URL the proxy passes through) rather than one message, because `GET /v1/messages/{id}` always costs two upstream calls (the record and its participants) against the proxy\'s one; comparing those would measure the second call, not the gateway. The single message is still measured, as "Cache miss, one BatchBook message", reported only.',
    '- The unified list has no proxy equivalent (no single upstream call answers it); both its rows are compared with bare Fastify answering the same page, and carry no target.',
    '',
    '## Results',
    '',
    table(
      ['scenario', 'server', 'req/s', 'p50 ms', 'p99 ms', 'peak RSS MiB', 'upstream/req', 'gateway/peer', 'target'],
      rows,
    ),
    '',
    ...summaries.map((s) => `- ${s.outcome.scenario.title}: ${s.outcome.scenario.what}.`),
    '',
  ]
  if (failures.length > 0) {
    lines.push(
      `Non-2xx answers, errors or timeouts occurred in: ${failures.map((s) => `${s.outcome.scenario.title} (gateway ${s.gateway.failures}, peer ${s.peer.failures})`).join('; ')}. They are not counted in req/s.`,
      '',
    )
  }
  lines.push('## Targets', '')
  for (const s of summaries.filter((x) => x.met !== null)) {
    const { scenario } = s.outcome
    lines.push(
      `- ${scenario.title}: ${s.ratio.toFixed(2)} of ${scenario.peerKind} (target at least ${scenario.target?.toFixed(1)}): **${s.met ? 'met' : 'missed'}**.`,
    )
  }
  lines.push('')

  if (profiles.size > 0) {
    lines.push(
      '## Profiles',
      '',
      `For each scenario profiled, a separate gateway process ran the same load (warm-up, then ${durationS} s) with the V8 CPU profiler (the one \`node --cpu-prof\` runs, 1 ms sampling) started through \`node:inspector\` after the warm-up and stopped at the end of the timed run, so start-up and schema compilation are not in it. The profiles are kept in \`bench/profiles/\` (not committed; open them in Chrome DevTools). Percentages are of the process's busy time (idle excluded). Self time is time in the function itself; "inclusive" is time with the gateway function on the stack, its callees included. Lines of \`src/\` functions are where the function is defined.`,
      '',
    )
    for (const [id, p] of profiles) {
      const scenario = summaries.find((s) => s.outcome.scenario.id === id)?.outcome.scenario
      const busy = p.totalMs - p.idleMs
      lines.push(
        `### ${scenario?.title ?? id}`,
        '',
        `Busy ${(busy / 1000).toFixed(1)} s of ${(p.totalMs / 1000).toFixed(1)} s sampled (${((100 * busy) / p.totalMs).toFixed(0)}%); garbage collection ${((100 * p.gcMs) / busy).toFixed(1)}% of busy time.`,
        '',
        'Self time by function:',
        '',
        table(
          ['function', 'where', '% busy'],
          p.selfByFunction.map((r) => [`\`${r.name}\``, r.where, r.percent.toFixed(1)]),
        ),
        '',
        'Self time by file or package:',
        '',
        table(
          ['file or package', '% busy'],
          p.selfByModule.map((r) => [r.name, r.percent.toFixed(1)]),
        ),
        '',
        "Inclusive time of the gateway's own functions:",
        '',
        table(
          ['function', 'where', '% busy'],
          p.inclusiveSrc.map((r) => [`\`${r.name}\``, r.where, r.percent.toFixed(1)]),
        ),
        '',
      )
    }
  }

  const notes = blockOf(previous, 'notes')
  if (notes !== undefined) lines.push(block('notes', notes), '')
  lines.push(
    block(
      'replica-hot-path',
      blockOf(previous, 'replica-hot-path') ??
        '## Replica hot path\n\nNot run yet: `npm run bench` writes its result here.',
    ),
    '',
    block(
      'replica',
      blockOf(previous, 'replica') ??
        '## Synced replica\n\nNot run yet: `npm run bench:replica` writes its result here.',
    ),
    '',
    block('soak', blockOf(previous, 'soak') ?? '## Soak\n\nNot run yet: `npm run soak` writes its result here.'),
  )
  return lines.join('\n')
}
