import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import loadShedding from '../../src/plugins/load-shedding.js'
import problems from '../../src/plugins/problems.js'

let app: FastifyInstance | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function shedding(graceMs: number) {
  app = Fastify()
  await app.register(problems)
  await app.register(loadShedding, {
    maxEventLoopDelayMs: 50,
    maxEventLoopUtilization: 0,
    sampleIntervalMs: 20,
    graceMs,
  })
  app.get('/work', async () => ({ ok: true }))
  app.get('/healthz', { config: { public: true } }, async () => ({ status: 'ok' }))
  await app.ready()
  return app
}

/**
 * Holds the event loop, then yields to one timers phase: the sample that was due during the
 * stall runs there and sees the lag. Waiting longer than a sample interval would let the next
 * sample reset the measure before the check (under-pressure keeps the mean of one interval).
 */
async function stall(ms: number) {
  const until = Date.now() + ms
  while (Date.now() < until) {
    // busy: the loop lags
  }
  await new Promise((r) => setTimeout(r, 1))
}

describe('load shedding', () => {
  it('answers 503 overloaded with Retry-After while the event loop lags, but keeps health public', async () => {
    const server = await shedding(0)
    // A lag shows in one sample only; on a busy machine the check may come a sample late, so
    // stall again until a check falls in it (each attempt is one stall, bounded).
    let work = await server.inject('/work')
    for (let attempt = 0; attempt < 10 && work.statusCode !== 503; attempt++) {
      await stall(300)
      work = await server.inject('/work')
    }
    expect(work.statusCode).toBe(503)
    expect(work.headers['retry-after']).toBe('5')
    expect(work.json()).toMatchObject({ code: 'overloaded', status: 503 })
    expect((await server.inject('/healthz')).statusCode).toBe(200)
  })

  it('lets requests through during the start-up grace', async () => {
    const server = await shedding(60_000)
    await stall(300)
    expect((await server.inject('/work')).statusCode).toBe(200)
  })
})
