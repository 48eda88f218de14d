/**
 * SIGTERM under load: requests in flight when the signal arrives all complete, every request
 * written on a kept-alive connection while the gateway closes gets an HTTP answer (none is
 * lost to a reset), and the process exits cleanly within its bound.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { Pool, request } from 'undici'
import { DEFAULT_DRAIN_MS } from '../../src/plugins/graceful-close.js'
import { type GatewayProcess, spawnGateway, waitForOutput } from '../helpers/processes.js'
import { WCL_MAILBOX } from '../upstreams/snappy/e2e.js'

const gateways: GatewayProcess[] = []
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop('SIGKILL')))
})

/** close-with-grace's bound in src/server.ts. */
const EXIT_BOUND_MS = 10_000
/** A Snappy note costs two calls of a budget of 200 a minute: about 16 a second fit the test. */
const POST_EVERY_MS = 60

type Kind = 'healthz' | 'readyz' | 'sources' | 'create'

interface Outcome {
  kind: Kind
  startedAt: number
  status?: number
  retryAfter?: string
  connection?: string
  contentType?: string
  code?: string
  /** A socket or connection error instead of an answer. */
  error?: string
}

/** Sends one request and records what came back (or which error) instead of throwing. */
async function attempt(pool: Pool, kind: Kind, key: string, note: string): Promise<Outcome> {
  const headers = { authorization: `Bearer ${key}` }
  const outcome: Outcome = { kind, startedAt: Date.now() }
  try {
    const res = await pool.request(
      kind === 'create'
        ? {
            method: 'POST',
            path: '/v1/messages',
            headers: { ...headers, 'content-type': 'application/json' },
            body: note,
          }
        : { method: 'GET', path: kind === 'sources' ? '/v1/sources' : `/${kind}`, headers },
    )
    const text = await res.body.text()
    outcome.status = res.statusCode
    outcome.retryAfter = res.headers['retry-after'] as string | undefined
    outcome.connection = res.headers.connection as string | undefined
    outcome.contentType = res.headers['content-type'] as string | undefined
    if (res.statusCode === 503) outcome.code = (JSON.parse(text) as { code?: string }).code
  } catch (err) {
    const e = err as { code?: string; message?: string }
    outcome.error = `${e.code ?? 'error'}: ${e.message ?? String(err)}`
  }
  return outcome
}

const refused = (o: Outcome) => o.error?.startsWith('ECONNREFUSED') === true

/** The 503 a request gets when it reaches a gateway that is shutting down. */
function expectTurnedAway(o: Outcome | undefined): void {
  expect(o?.error).toBeUndefined()
  expect(o?.status).toBe(503)
  expect(o?.contentType).toMatch(/^application\/problem\+json/)
  expect(o?.code).toBe('shutting_down')
  expect(o?.retryAfter).toBe('1')
  expect(o?.connection).toBe('close')
}

describe('graceful shutdown', () => {
  it('finishes every in-flight request after SIGTERM, then exits 0', async () => {
    const gateway = spawnGateway({ LOG_LEVEL: 'info' })
    gateways.push(gateway)
    const url = await gateway.url
    const key = (await waitForOutput(gateway, /API key: +(\S+)/))[1] as string
    const simulator = (await waitForOutput(gateway, /BatchBook simulator: +(\S+)/))[1] as string
    // Every upstream answer now takes a second: requests stay in flight while we stop.
    await request(`${simulator}/__sandbox/latency`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"ms":1000}',
    }).then((r) => r.body.dump())

    const inFlight = Array.from({ length: 40 }, (_, i) =>
      request(`${url}/v1/messages?source=batchbook&limit=${(i % 3) + 1}`, {
        headers: { authorization: `Bearer ${key}` },
      }).then(async (res) => {
        await res.body.dump()
        return { status: res.statusCode, connection: res.headers.connection }
      }),
    )
    await new Promise((r) => setTimeout(r, 300))
    const exit = gateway.stop('SIGTERM')
    const answers = await Promise.all(inFlight)
    expect(answers.filter((a) => a.status !== 200 && a.status !== 429)).toEqual([])
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(0)
    // Those that took the upstream's second ended after the signal: their answers close their
    // connections, so nothing of theirs is left to drain.
    expect(answers.filter((a) => a.status === 200 && a.connection !== 'close')).toEqual([])
    expect(await exit).toBe(0)
    expect(gateway.output()).toContain('shutting down')
  }, 30_000)

  it('answers every request written on a kept-alive connection while it closes, and loses none', async () => {
    const gateway = spawnGateway({ LOG_LEVEL: 'info' })
    gateways.push(gateway)
    const url = await gateway.url
    const key = (await waitForOutput(gateway, /API key: +(\S+)/))[1] as string
    const note = JSON.stringify({
      source: 'snappy',
      mailboxId: WCL_MAILBOX,
      from: [{ address: 'ada@example.org' }],
      subject: 'Shutdown',
      body: 'Sent while the gateway stops.',
    })

    // Four clients with four kept-alive connections each, six requests at a time per client:
    // a connection is idle only for the moment between an answer and the next request. The
    // GETs make no upstream call; the POSTs are paced to stay inside the sandbox's Snappy
    // budget (a created note's later calls wait for budget rather than fail, and a wait of
    // most of a minute would hold the shutdown past its bound).
    const pools = Array.from(
      { length: 4 },
      () => new Pool(url, { connections: 4, pipelining: 1, keepAliveTimeout: 30_000 }),
    )
    // Two more clients whose one kept-alive connection sits idle when the signal comes: one
    // writes a POST on it half a second later, the other never writes again.
    const late = new Pool(url, { connections: 1, keepAliveTimeout: 30_000 })
    const idle = new Pool(url, { connections: 1, keepAliveTimeout: 30_000 })
    let idleClosedAt: number | undefined
    idle.on('disconnect', () => (idleClosedAt ??= Date.now()))

    let stopAt = Number.POSITIVE_INFINITY
    let lastPost = 0
    const outcomes: Outcome[] = []
    async function worker(pool: Pool, offset: number): Promise<void> {
      for (let n = offset; Date.now() < stopAt; n++) {
        const post = Date.now() - lastPost >= POST_EVERY_MS
        if (post) lastPost = Date.now()
        const outcome = await attempt(
          pool,
          post ? 'create' : (['healthz', 'readyz', 'sources'] as const)[n % 3]!,
          key,
          note,
        )
        outcomes.push(outcome)
        // Once the listener is gone new connections are refused; do not spin on that.
        if (refused(outcome)) await new Promise((r) => setTimeout(r, 20))
      }
    }

    const workers = pools.flatMap((pool, p) => Array.from({ length: 6 }, (_, w) => worker(pool, p + w)))
    try {
      expect((await attempt(late, 'healthz', key, note)).status).toBe(200)
      expect((await attempt(idle, 'healthz', key, note)).status).toBe(200)
      // Let every connection open and settle into keep-alive, then stop the gateway under load.
      await new Promise((r) => setTimeout(r, 1_500))
      const signalledAt = Date.now()
      const exit = gateway.stop('SIGTERM')
      const lateOutcome = new Promise((r) => setTimeout(r, 500)).then(() => attempt(late, 'create', key, note))
      const exitCode = await exit
      const exitedAfterMs = Date.now() - signalledAt
      // Keep sending for a moment after the exit too: those connections are refused, not reset.
      stopAt = Date.now() + 200
      await Promise.all(workers)

      expect(exitCode).toBe(0)
      expect(exitedAfterMs).toBeLessThan(EXIT_BOUND_MS)
      expect(gateway.output()).toContain('shutting down')

      const answered = outcomes.filter((o) => o.status !== undefined)
      // A refused connection never carried its request; any other error (ECONNRESET,
      // UND_ERR_SOCKET "other side closed", ...) leaves the client unable to tell whether the
      // request was processed.
      const lost = outcomes.filter((o) => o.status === undefined && !refused(o))
      const tally = {
        sent: outcomes.length,
        afterSignal: outcomes.filter((o) => o.startedAt >= signalledAt).length,
        refused: outcomes.filter(refused).length,
        byStatus: Object.fromEntries(
          [...new Set(answered.map((o) => o.status))].map((s) => [s, answered.filter((o) => o.status === s).length]),
        ),
        lost: lost.map((o) => `${o.kind} sent ${o.startedAt - signalledAt} ms after SIGTERM: ${o.error}`),
      }
      expect(tally.lost, JSON.stringify(tally)).toEqual([])
      const acceptable = (o: Outcome) => o.status === 429 || (o.status! >= 200 && o.status! < 300) || o.status === 503
      expect(
        answered.filter((o) => !acceptable(o)),
        JSON.stringify(tally),
      ).toEqual([])
      // The load went on across the whole shutdown: requests that reached the gateway after
      // the signal were turned away with a problem that says to retry, closing the connection.
      const turnedAway = answered.filter((o) => o.status === 503)
      expect(turnedAway.length, JSON.stringify(tally)).toBeGreaterThan(0)
      for (const o of turnedAway) expectTurnedAway(o)
      expect(outcomes.filter((o) => o.startedAt >= signalledAt).length).toBeGreaterThan(0)

      // The connection idle at the signal stayed open for what came on it, and was answered.
      expectTurnedAway(await lateOutcome)
      // The one that stayed idle was closed by the gateway once the drain period was over.
      expect(idleClosedAt).toBeDefined()
      expect(idleClosedAt! - signalledAt).toBeGreaterThanOrEqual(DEFAULT_DRAIN_MS - 50)
    } finally {
      stopAt = 0
      await Promise.allSettled(workers)
      await Promise.all([...pools, late, idle].map((p) => p.destroy()))
    }
  }, 30_000)
})
