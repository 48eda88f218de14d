import diagnostics from 'node:diagnostics_channel'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import type { CacheEvent } from '../../src/upstreams/instrumentation.js'
import { type Engine, json, startEngine } from '../helpers/engine.js'

let engine: Engine | undefined
afterEach(async () => {
  await engine?.close()
  engine = undefined
})

const accounts = { method: 'GET' as const, path: '/accounts' }
const readAccounts = (e: Engine) => e.snappy.read(accounts, { kind: 'list', tags: ['accounts'], decode: json })
const snappyCount = (e: Engine, route: string) => e.sandbox.snappy.simulator.stats.count(route)

function cacheEvents(): { events: CacheEvent[]; stop: () => void } {
  const events: CacheEvent[] = []
  const listener = (message: unknown) => events.push(message as CacheEvent)
  diagnostics.subscribe('switchboard:upstream:cache', listener)
  return { events, stop: () => diagnostics.unsubscribe('switchboard:upstream:cache', listener) }
}

describe('rate budget', () => {
  it('sends concurrent distinct BatchBook reads without a single limit violation; the excess gets 429', async () => {
    engine = await startEngine()
    const ids = engine.sandbox.batchbook.simulator.store
      .listCommunications()
      .slice(0, 8)
      .map((c) => c.id)
    const results = await Promise.allSettled(
      ids.map((id) =>
        engine!.batchbook.read(
          { method: 'GET', path: `/service/communications/${id}.xml` },
          { kind: 'record', tags: [], decode: (r) => r.body.length },
        ),
      ),
    )
    const ok = results.filter((r) => r.status === 'fulfilled').length
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)
    expect(ok).toBeGreaterThanOrEqual(2)
    expect(refused.length).toBe(ids.length - ok)
    for (const problem of refused)
      expect(problem).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: expect.any(Number) })
    expect(engine.sandbox.batchbook.simulator.stats.limitViolations).toBe(0)
    expect(engine.sandbox.batchbook.simulator.stats.requests).toBe(ok)
  })

  it('sends 200 of 260 concurrent distinct Snappy reads in the minute and refuses the rest', async () => {
    engine = await startEngine()
    const results = await Promise.allSettled(
      Array.from({ length: 260 }, (_, page) =>
        engine!.snappy.read(
          { method: 'GET', path: '/account/3249/search', query: { query: 'order', page: page + 1 } },
          { kind: 'list', tags: [], decode: json },
        ),
      ),
    )
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)
    expect(results.length - refused.length).toBe(200)
    for (const problem of refused)
      expect(problem).toMatchObject({ code: 'rate_limited', retryAfter: expect.any(Number) })
    expect(engine.sandbox.snappy.simulator.stats.limitViolations).toBe(0)
  })

  it('never sends a call later than its grant allows: one the event loop held up goes back to the budget', async () => {
    engine = await startEngine()
    const sim = engine.sandbox.batchbook.simulator
    // The first call opens the connection; the loop is then busy for 300 ms before it can
    // write the request, far past the grant's 100 ms margin.
    const connecting = diagnostics.channel('undici:client:beforeConnect')
    let blocked = false
    const block = () => {
      if (blocked) return
      blocked = true
      const until = Date.now() + 300
      while (Date.now() < until);
    }
    connecting.subscribe(block)
    try {
      const ids = sim.store
        .listCommunications()
        .slice(0, 2)
        .map((c) => c.id)
      const reads = ids.map((id) =>
        engine!.batchbook.read(
          { method: 'GET', path: `/service/communications/${id}.xml` },
          { kind: 'record', tags: [], decode: (r) => r.body.length },
        ),
      )
      await Promise.all(reads)
    } finally {
      connecting.unsubscribe(block)
    }
    expect(blocked).toBe(true)
    expect(sim.stats.limitViolations).toBe(0)
    expect(sim.stats.requests).toBe(2)
  })

  it('pauses a connection for the Retry-After of an upstream 429', async () => {
    engine = await startEngine()
    engine.sandbox.snappy.simulator.faults.inject({ type: 'status', status: 429, retryAfter: 30 })
    await expect(readAccounts(engine)).rejects.toMatchObject({ code: 'rate_limited', retryAfter: 30 })
    const before = engine.sandbox.snappy.simulator.stats.requests
    await expect(readAccounts(engine)).rejects.toMatchObject({ code: 'rate_limited', status: 429 })
    expect(engine.sandbox.snappy.simulator.stats.requests).toBe(before)
    expect((await engine.snappy.scheduler.status()).remaining).toBe(0)
  })
})

describe('coalescing', () => {
  it('turns 1000 concurrent identical cold reads into one upstream call', async () => {
    engine = await startEngine()
    const values = await Promise.all(Array.from({ length: 1000 }, () => readAccounts(engine!)))
    expect(new Set(values.map((v) => JSON.stringify(v))).size).toBe(1)
    expect(snappyCount(engine, 'GET /api/v1/accounts')).toBe(1)
  })
})

describe('retries', () => {
  it('retries a read answered 503', async () => {
    engine = await startEngine()
    engine.sandbox.snappy.simulator.faults.inject({ type: 'status', status: 503 })
    expect(await readAccounts(engine)).toEqual(expect.any(Array))
    expect(snappyCount(engine, 'GET /api/v1/accounts')).toBe(2)
  })

  it('retries a read whose connection was reset mid-body', async () => {
    engine = await startEngine()
    engine.sandbox.snappy.simulator.faults.inject({ type: 'reset' })
    expect(await readAccounts(engine)).toEqual(expect.any(Array))
    expect(snappyCount(engine, 'GET /api/v1/accounts')).toBe(2)
  })

  it('gives up after the configured number of attempts', async () => {
    engine = await startEngine()
    engine.sandbox.snappy.simulator.faults.inject({ type: 'status', status: 502, times: 10 })
    await expect(readAccounts(engine)).rejects.toMatchObject({
      code: 'upstream_unavailable',
      upstream: { source: 'snappy', status: 502 },
    })
    expect(snappyCount(engine, 'GET /api/v1/accounts')).toBe(3)
  })

  it('never repeats a write, whatever the failure', async () => {
    engine = await startEngine()
    const note = {
      method: 'POST' as const,
      path: '/note',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        mailbox_id: 3642,
        from: [{ name: 'Ada', address: 'ada@example.com' }],
        subject: 'Hi',
        message: 'Hello',
      }),
    }
    engine.sandbox.snappy.simulator.faults.inject({ type: 'status', status: 503, method: 'POST' })
    await expect(engine.snappy.write(note, { invalidate: [] })).rejects.toMatchObject({
      code: 'upstream_unavailable',
      status: 503,
    })
    engine.sandbox.snappy.simulator.faults.inject({ type: 'reset', method: 'POST' })
    await expect(engine.snappy.write(note, { invalidate: [] })).rejects.toMatchObject({ code: 'upstream_unavailable' })
    expect(snappyCount(engine, 'POST /api/v1/note')).toBe(2)
  })
})

describe('deadline', () => {
  it('answers 504 when the upstream is slower than the deadline, without retrying', async () => {
    engine = await startEngine((c) => ({
      ...c,
      connections: c.connections.map((conn) => ({ ...conn, timeoutMs: 300 })),
    }))
    engine.sandbox.snappy.simulator.faults.inject({ type: 'latency', ms: 1_500 })
    await expect(readAccounts(engine)).rejects.toMatchObject({
      code: 'upstream_timeout',
      status: 504,
      upstream: { status: null },
    })
    expect(snappyCount(engine, 'GET /api/v1/accounts')).toBe(1)
  })
})

describe('circuit breaker', () => {
  it('opens after repeated failures, fails fast, probes after the cool-down and closes', async () => {
    engine = await startEngine((c) => ({ ...c, breaker: { failureThreshold: 2, cooldownMs: 300 } }))
    engine.sandbox.snappy.simulator.faults.inject({ type: 'status', status: 500, times: 2 })
    await expect(readAccounts(engine)).rejects.toMatchObject({ code: 'upstream_unavailable' })
    await expect(readAccounts(engine)).rejects.toMatchObject({ code: 'upstream_unavailable' })
    expect(engine.snappy.breaker.state).toBe('open')
    await expect(readAccounts(engine)).rejects.toMatchObject({ code: 'circuit_open', status: 503, retryAfter: 1 })
    expect(snappyCount(engine, 'GET /api/v1/accounts')).toBe(2)
    await sleep(320)
    expect(engine.snappy.breaker.state).toBe('half-open')
    expect(await readAccounts(engine)).toEqual(expect.any(Array))
    expect(engine.snappy.breaker.state).toBe('closed')
  })
})

describe("the upstream's own over-limit answer", () => {
  it('pauses the connection and never opens the circuit', async () => {
    // One failure would open this circuit, if the over-limit answer counted as one.
    engine = await startEngine((c) => ({ ...c, breaker: { failureThreshold: 1, cooldownMs: 10_000 } }))
    engine.sandbox.snappy.simulator.faults.inject({ type: 'status', status: 503, retryAfter: 1 })
    const started = Date.now()
    // The read is retried once the pause the answer asked for has passed.
    expect(await readAccounts(engine)).toEqual(expect.any(Array))
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(engine.snappy.breaker.state).toBe('closed')
    expect(snappyCount(engine, 'GET /api/v1/accounts')).toBe(2)
  })
})

describe('read cache', () => {
  it('forgets a record the upstream answers 404 for, so no later read is served the cached copy', async () => {
    engine = await startEngine()
    const communication = engine.sandbox.batchbook.simulator.store.listCommunications()[0]
    if (communication === undefined) throw new Error('no communication')
    const read = (fresh: boolean) =>
      engine!.batchbook.read(
        { method: 'GET', path: `/service/communications/${communication.id}.xml` },
        { kind: 'record', tags: [`communication:${communication.id}`], decode: (r) => r.body.length, fresh },
      )
    await read(false)
    engine.sandbox.batchbook.simulator.store.deleteCommunication(communication.id)
    await new Promise((r) => setTimeout(r, 1_100)) // BatchBook's one call a second
    await expect(read(true)).rejects.toMatchObject({ status: 404 })
    await new Promise((r) => setTimeout(r, 1_100))
    await expect(read(false)).rejects.toMatchObject({ status: 404 })
  })

  it('serves a repeat read from the cache', async () => {
    engine = await startEngine()
    const { events, stop } = cacheEvents()
    await readAccounts(engine)
    await readAccounts(engine)
    stop()
    expect(events.map((e) => e.result)).toEqual(['miss', 'hit'])
    expect(snappyCount(engine, 'GET /api/v1/accounts')).toBe(1)
  })

  it('drops what a write invalidates', async () => {
    engine = await startEngine()
    await readAccounts(engine)
    await engine.snappy
      .write({ method: 'PUT', path: '/ticket/1/status', body: '{}' }, { invalidate: ['accounts'] })
      .catch(() => undefined)
    await readAccounts(engine)
    expect(snappyCount(engine, 'GET /api/v1/accounts')).toBe(2)
  })

  it('serves a stale entry, marked, when the upstream fails', async () => {
    engine = await startEngine((c) => ({ ...c, cache: { ...c.cache, ttlMs: { record: 1, list: 1 } } }))
    const fresh = await readAccounts(engine)
    await sleep(5)
    engine.sandbox.snappy.simulator.faults.inject({ type: 'status', status: 500, times: 5 })
    const { events, stop } = cacheEvents()
    expect(await readAccounts(engine)).toEqual(fresh)
    stop()
    expect(events.map((e) => e.result)).toEqual(['stale'])
  })

  it('never shares entries between connections', async () => {
    engine = await startEngine((c) => ({
      ...c,
      connections: [...c.connections, { ...c.connections[1]!, name: 'snappy-2' }],
    }))
    await readAccounts(engine)
    await engine.registry.get('snappy-2')!.engine.read(accounts, { kind: 'list', tags: ['accounts'], decode: json })
    expect(snappyCount(engine, 'GET /api/v1/accounts')).toBe(2)
  })

  it('does not cache when caching is disabled', async () => {
    engine = await startEngine((c) => ({ ...c, cache: { ...c.cache, maxBytes: 0 } }))
    await readAccounts(engine)
    await readAccounts(engine)
    expect(snappyCount(engine, 'GET /api/v1/accounts')).toBe(2)
  })
})
