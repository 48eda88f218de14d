/**
 * Three gateway processes share one Redis and one BatchBook simulator, and are driven at about
 * three times the upstream budget for ten seconds. The simulator must count zero limit
 * violations while at least 90% of the budget is used.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { encodeId } from '../../src/ids.js'
import { createBatchBookSimulator, type BatchBookSimulator } from '../../src/sandbox/batchbook/index.js'
import { listenOnLoopback } from '../../src/sandbox/frame/server.js'
import { type GatewayProcess, spawnGateway } from '../helpers/processes.js'
import { REDIS_URL, testPrefix } from '../helpers/redis.js'

/** Ten a second, counted over four-second windows (the safety margin scales with the window). */
const LIMIT = { max: 40, windowMs: 4_000 }
const TOKEN = 'replica-test-token'
const KEY = 'sk_replicas_0123456789abcdef'
const DRIVE_MS = 10_000
/** Two upstream calls per message read (record and participants): 15/s is 3x the budget. */
const REQUESTS_PER_SECOND = 15

let sim: BatchBookSimulator
let gateways: GatewayProcess[] = []
let urls: string[] = []

beforeAll(async () => {
  sim = createBatchBookSimulator({ tokens: [TOKEN], limit: LIMIT })
  const origin = await listenOnLoopback(sim.app)
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-replicas-'))
  const configFile = join(dir, 'connections.json')
  writeFileSync(
    configFile,
    JSON.stringify({
      connections: [
        { name: 'crm', source: 'batchbook', account: 'acme', token: TOKEN, baseUrl: origin, rateLimit: LIMIT },
      ],
    }),
  )
  const env = {
    SWITCHBOARD_CONFIG: configFile,
    API_KEYS: `load:${KEY}`,
    REDIS_URL,
    REDIS_KEY_PREFIX: testPrefix(),
    SWITCHBOARD_REPLICAS: '3',
    CACHE_MAX_BYTES: '0',
    LOG_LEVEL: 'info',
  }
  gateways = [1, 2, 3].map(() => spawnGateway(env))
  urls = await Promise.all(gateways.map((g) => g.url))
}, 60_000)

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()))
  await sim.app.close()
})

describe('three replicas sharing Redis', () => {
  it('never exceed the upstream limit together and use at least 90% of it', async () => {
    const ids = sim.store
      .listCommunications()
      .map((c) => encodeId('message', { source: 'batchbook', connection: 'crm', parts: [String(c.id)] }))
    const statuses = new Map<number, number>()
    const inFlight: Array<Promise<void>> = []
    sim.stats.reset()
    const started = Date.now()
    for (let i = 0; Date.now() - started < DRIVE_MS; i++) {
      const url = `${urls[i % urls.length]}/v1/messages/${ids[i % ids.length]}`
      inFlight.push(
        request(url, { headers: { authorization: `Bearer ${KEY}` } }).then(async (res) => {
          await res.body.dump()
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
        }),
      )
      await new Promise((r) => setTimeout(r, 1000 / REQUESTS_PER_SECOND))
    }
    await Promise.all(inFlight)
    const recent = sim.stats.recent
    const first = recent[0]?.at ?? 0
    const spanSeconds = ((recent.at(-1)?.at ?? 0) - first) / 1000
    // Over the whole windows that fit between the first call and the last, a rolling limit of
    // max calls per window admits max calls a window: that is the budget there was to use. (The
    // last, partial window is left out: requests already under way finish there, at the rate
    // that is left, after the drive has stopped.)
    const windows = Math.max(1, Math.floor((spanSeconds * 1000) / LIMIT.windowMs))
    const budget = LIMIT.max * windows
    const used = recent.filter((r) => r.at < first + windows * LIMIT.windowMs).length
    const utilisation = used / budget
    console.log(
      `replicas: ${sim.stats.requests} upstream calls in ${spanSeconds.toFixed(1)} s, ${used} in the first ${windows} windows (budget ${budget}), ` +
        `utilisation ${(utilisation * 100).toFixed(1)}%, violations ${sim.stats.limitViolations}, answers ${JSON.stringify(Object.fromEntries(statuses))}`,
    )
    expect(sim.stats.limitViolations).toBe(0)
    expect(utilisation).toBeGreaterThanOrEqual(0.9)
    expect([...statuses.keys()].every((s) => s === 200 || s === 429)).toBe(true)
    expect(statuses.get(429)).toBeGreaterThan(0)
  }, 60_000)
})
