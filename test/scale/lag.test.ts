/**
 * The gateway's event loop lags by up to a second (busy loops in the process, and one client's
 * bursts of 1 MB bodies, all refused with 400) while others read through both upstreams at the
 * documented limits: no call may reach either upstream closer than its limit allows. A grant must be used within its margin or it goes
 * back to the budget (send-by.ts), and new budget work is shed while the loop lags more than
 * that. The bursts come from a process of their own, so the simulators in this one keep time.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { encodeId } from '../../src/ids.js'
import { TEST_KEY } from '../helpers/gateway.js'
import { type GatewayProcess, spawnGateway } from '../helpers/processes.js'
import { type SimulatedUpstreams, startSimulatedUpstreams } from '../helpers/simulated-upstreams.js'
import { testDatabase } from '../helpers/stores.js'

/** How long the load lasts (the measurement in the README ran 100 s). */
const RUN_MS = Number(process.env.LAG_RUN_MS ?? 30_000)

let upstreams: SimulatedUpstreams
let gateway: GatewayProcess
let url: string
const store = testDatabase('sqlite')

beforeAll(async () => {
  upstreams = await startSimulatedUpstreams({ snappy: true })
  gateway = spawnGateway({
    SWITCHBOARD_CONFIG: upstreams.configFile,
    API_KEYS: `tester:${TEST_KEY}`,
    CACHE_MAX_BYTES: '0',
    DATA_DIR: store.config.dataDir,
    NODE_OPTIONS: `--import=tsx --import=${fileURLToPath(new URL('../helpers/busy-loop.ts', import.meta.url))}`,
  })
  url = await gateway.url
}, 30_000)
afterAll(async () => {
  await gateway.stop()
  await upstreams.close()
  await store.drop()
})

/** A process that sends 1 MB bodies, 16 at a time, to the gateway until killed. */
function burster(target: string): ChildProcess {
  const script = `
    const { request } = require('undici')
    const body = JSON.stringify({ source: 'batchbook', body: 'x'.repeat(1_000_000 - 64) })
    const one = () => request(${JSON.stringify(`${target}/v1/messages`)}, {
      method: 'POST',
      headers: { authorization: 'Bearer ${TEST_KEY}', 'content-type': 'application/json' },
      body,
    }).then((r) => r.body.dump(), () => undefined)
    ;(async () => { for (;;) await Promise.all(Array.from({ length: 16 }, one)) })()
  `
  return spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: 'ignore' })
}

async function lagMaxSeconds(): Promise<number> {
  const res = await request(`${url}/metrics`)
  const text = await res.body.text()
  return Number(/^nodejs_eventloop_lag_max_seconds (\S+)/m.exec(text)?.[1] ?? 0)
}

describe('an event loop lagged by one client', () => {
  it(
    'never lets two calls reach an upstream closer than its limit',
    async () => {
      const ids = upstreams.batchbook.store
        .listCommunications()
        .map((c) => encodeId('message', { source: 'batchbook', connection: 'crm', parts: [String(c.id)] }))
      const bursts = burster(url)
      const answers = new Map<string, number>()
      const count = (status: number, code?: string) => {
        const key = `${status}${code === undefined ? '' : ` ${code}`}`
        answers.set(key, (answers.get(key) ?? 0) + 1)
      }
      let worstLag = 0
      const reads: Array<Promise<void>> = []
      const end = Date.now() + RUN_MS
      try {
        for (let tick = 0; Date.now() < end; tick++) {
          const path = tick % 2 === 0 ? `/v1/messages/${ids[tick % ids.length]}/tags` : `/v1/accounts?connection=help`
          reads.push(
            request(`${url}${path}`, { headers: { authorization: `Bearer ${TEST_KEY}` } }).then(
              async (res) => {
                const body = (await res.body.json()) as { code?: string }
                count(res.statusCode, body.code)
              },
              () => count(0),
            ),
          )
          if (tick % 20 === 0) worstLag = Math.max(worstLag, await lagMaxSeconds().catch(() => 0))
          await new Promise((r) => setTimeout(r, 150))
        }
      } finally {
        bursts.kill('SIGKILL')
      }
      await Promise.all(reads)
      console.info(
        `lag run of ${RUN_MS} ms: answers ${JSON.stringify(Object.fromEntries(answers))}, upstream calls BatchBook ` +
          `${upstreams.batchbook.stats.requests}, Snappy ${upstreams.snappy?.stats.requests}, worst event-loop lag ${Math.round(worstLag * 1000)} ms`,
      )
      expect(upstreams.batchbook.stats.limitViolations).toBe(0)
      expect(upstreams.snappy?.stats.limitViolations).toBe(0)
      expect(upstreams.batchbook.stats.requests).toBeGreaterThan(RUN_MS / 5_000)
    },
    RUN_MS + 60_000,
  )
})
