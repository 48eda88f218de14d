/**
 * Simulators in the test process, for gateways in processes of their own: they outlive a
 * gateway that is killed and restarted, and several gateways share them. The config file
 * names their connections as an operator's would.
 */
import type { FastifyInstance } from 'fastify'
import type { Dispatcher } from 'undici'
import { InProcessDispatcher } from '../../src/sandbox/frame/in-process.js'
import { VirtualClock } from './virtual-clock.js'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Config, type RateLimit, loadConfig } from '../../src/config.js'
import { type BatchBookSimulator, createBatchBookSimulator } from '../../src/sandbox/batchbook/index.js'
import { listenOnLoopback } from '../../src/sandbox/frame/server.js'
import { type SnappySimulator, createSnappySimulator } from '../../src/sandbox/snappy/index.js'
import type { SandboxVolume } from '../../src/sandbox/volume.js'
import { DEFAULT_BATCHBOOK_LIMIT } from '../../src/upstreams/batchbook/wire.js'
import { DEFAULT_SNAPPY_LIMIT, SNAPPY_API_PREFIX } from '../../src/upstreams/snappy/wire.js'
import { TEST_KEY } from './gateway.js'
import { REDIS_URL, testPrefix } from './redis.js'
import type { TestDatabase } from './stores.js'

const TOKEN = 'simulated-batchbook-token'
const SNAPPY_KEY = 'a'.repeat(64)

export interface SimulatedUpstreams {
  batchbook: BatchBookSimulator
  snappy: SnappySimulator | null
  /** A `SWITCHBOARD_CONFIG` file naming the connections `crm` (and `help`). */
  configFile: string
  /**
   * Set with `virtual`: the simulators' clock, and the dispatchers that reach them in-process
   * (give both to the gateway: see `configOver` and `startGateway`).
   */
  clock: VirtualClock | null
  dispatchers: ReadonlyMap<string, Dispatcher>
  close(): Promise<void>
}

export async function startSimulatedUpstreams(options: {
  volume?: SandboxVolume
  snappy?: boolean
  limits?: { batchbook?: RateLimit; snappy?: RateLimit }
  /** BatchBook gives at most this many communications a page (10: it ignores `limit`). */
  maxPageSize?: number
  /** On a virtual clock, without sockets (for gateways in this process). */
  virtual?: boolean
}): Promise<SimulatedUpstreams> {
  const clock = options.virtual === true ? new VirtualClock() : null
  clock?.start()
  const timed = clock === null ? {} : { clock }
  const bbLimit = options.limits?.batchbook ?? DEFAULT_BATCHBOOK_LIMIT
  const snLimit = options.limits?.snappy ?? DEFAULT_SNAPPY_LIMIT
  const volume = options.volume === undefined ? {} : { volume: options.volume }
  const batchbook = createBatchBookSimulator({
    tokens: [TOKEN],
    limit: bbLimit,
    ...volume,
    ...timed,
    ...(options.maxPageSize === undefined ? {} : { maxPageSize: options.maxPageSize }),
  })
  const snappy =
    options.snappy === true ? createSnappySimulator({ keys: [SNAPPY_KEY], limit: snLimit, ...volume, ...timed }) : null
  const dispatchers = new Map<string, Dispatcher>()
  const reach = async (app: FastifyInstance, inProcessOrigin: string) => {
    if (clock === null) return listenOnLoopback(app)
    dispatchers.set(inProcessOrigin, new InProcessDispatcher(app))
    return inProcessOrigin
  }
  const bbOrigin = await reach(batchbook.app, 'http://127.0.0.1:1')
  const connections: unknown[] = [
    { name: 'crm', source: 'batchbook', account: 'acme', token: TOKEN, baseUrl: bbOrigin, rateLimit: bbLimit },
  ]
  if (snappy !== null) {
    const origin = await reach(snappy.app, 'http://127.0.0.1:2')
    connections.push({
      name: 'help',
      source: 'snappy',
      apiKey: SNAPPY_KEY,
      baseUrl: `${origin}${SNAPPY_API_PREFIX}`,
      rateLimit: snLimit,
    })
  }
  const configFile = join(mkdtempSync(join(tmpdir(), 'switchboard-upstreams-')), 'connections.json')
  writeFileSync(configFile, JSON.stringify({ connections }))
  return {
    batchbook,
    snappy,
    configFile,
    clock,
    dispatchers,
    async close() {
      await Promise.allSettled([batchbook.app.close(), snappy?.close()])
      await clock?.stop()
    },
  }
}

/** The backfill's page reads a BatchBook simulator saw: list calls without `updated_since`, by offset. */
export function backfillOffsets(sim: BatchBookSimulator): number[] {
  return sim.stats.recent
    .filter((r) => r.method === 'GET' && r.url.startsWith('/service/communications.xml'))
    .map((r) => new URL(r.url, 'http://x').searchParams)
    .filter((q) => !q.has('updated_since'))
    .map((q) => Number(q.get('offset') ?? 0))
}

/** The environment of a gateway process over these upstreams, with the test key and this store. */
export function gatewayEnv(
  upstreams: SimulatedUpstreams,
  store: TestDatabase,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { ...store.env, SWITCHBOARD_CONFIG: upstreams.configFile, API_KEYS: `tester:${TEST_KEY}`, ...extra }
}

/** What three replicas of one deployment share besides the store: one Redis, and their number. */
export function threeReplicas(): Record<string, string> {
  return { REDIS_URL, REDIS_KEY_PREFIX: testPrefix(), SWITCHBOARD_REPLICAS: '3' }
}

/** The configuration of an in-process gateway over these upstreams, with the test key and this store. */
export function configOver(
  upstreams: SimulatedUpstreams,
  store: TestDatabase,
  extra: Record<string, string> = {},
): Config {
  const loaded = loadConfig({ LOG_LEVEL: 'silent', ...gatewayEnv(upstreams, store, extra) })
  return {
    ...loaded,
    port: 0,
    // The store as the test made it (its schema, its sync intervals).
    store: store.config,
    // Test files share two cores: their event loops lag for reasons that are not the gateway's load.
    loadShedding: { maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0 },
  }
}

/** What a gateway in this process needs to reach simulators on virtual time: their clock and dispatchers. */
export function inProcess(upstreams: SimulatedUpstreams): {
  clock?: VirtualClock
  dispatchers?: ReadonlyMap<string, Dispatcher>
} {
  return upstreams.clock === null ? {} : { clock: upstreams.clock, dispatchers: upstreams.dispatchers }
}
