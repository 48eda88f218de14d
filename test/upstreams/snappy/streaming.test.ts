/** The engine's streamed calls against the sandbox: retries, breaker, deadline, never a replayed upload. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ProblemError } from '../../../src/errors.js'
import { SnappyAdapter } from '../../../src/upstreams/snappy/adapter.js'
import { startEngine, type Engine } from '../../helpers/engine.js'

let engine: Engine
let snappy: SnappyAdapter
const sim = () => engine.sandbox.snappy.simulator

beforeEach(async () => {
  engine = await startEngine((c) => ({ ...c, breaker: { failureThreshold: 3, cooldownMs: 60_000 } }))
  const adapter = engine.registry.get('snappy')
  if (!(adapter instanceof SnappyAdapter)) throw new Error('no Snappy adapter')
  snappy = adapter
})
afterEach(async () => engine.close())

function attachment() {
  const a = sim().store.tickets.attachments.find(() => true)!
  return { ticket: String(a.ticketId), id: String(a.id), size: a.size }
}

async function drain(res: { body: AsyncIterable<Uint8Array> }): Promise<number> {
  let n = 0
  for await (const chunk of res.body) n += chunk.length
  return n
}

function bytes(size: number): AsyncIterable<Uint8Array> {
  return (async function* () {
    yield Buffer.alloc(size, 1)
  })()
}

const upload = (content: AsyncIterable<Uint8Array>) =>
  snappy.documents.upload('3249', {
    filename: 'a.bin',
    contentType: 'application/octet-stream',
    content,
    tags: () => undefined,
  })

describe('streamed downloads', () => {
  it('retry a 503 that came before any byte, and hand over the stream', async () => {
    const a = attachment()
    sim().faults.inject({ type: 'status', status: 503, pathPrefix: `/api/v1/ticket/${a.ticket}/attachment` })
    const before = sim().stats.requests
    const res = await snappy.tickets.attachment(a.ticket, a.id)
    expect(res.status).toBe(200)
    expect(await drain(res)).toBe(a.size)
    expect(sim().stats.requests - before).toBe(2)
  })

  it('do not retry a 404, and map it to not_found', async () => {
    const before = sim().stats.requests
    await expect(snappy.tickets.attachment(attachment().ticket, '1')).rejects.toMatchObject({
      code: 'not_found',
      upstream: { source: 'snappy', status: 404 },
    })
    expect(sim().stats.requests - before).toBe(1)
  })

  it('time out waiting for headers', async () => {
    sim().faults.inject({ type: 'latency', ms: 2_500, pathPrefix: '/api/v1/account/3249/document/' })
    const doc = sim().store.documents.documentsOf(3249)[0]!
    await expect(snappy.documents.download('3249', String(doc.id))).rejects.toMatchObject({ code: 'upstream_timeout' })
  })

  it('count towards the circuit breaker', async () => {
    const a = attachment()
    sim().faults.inject({ type: 'status', status: 500, pathPrefix: '/api/v1/ticket/', times: 3 })
    for (let i = 0; i < 3; i++)
      await expect(snappy.tickets.attachment(a.ticket, a.id)).rejects.toBeInstanceOf(ProblemError)
    await expect(snappy.tickets.attachment(a.ticket, a.id)).rejects.toMatchObject({ code: 'circuit_open' })
  })
})

describe('streamed uploads', () => {
  it('are sent once, never retried', async () => {
    sim().faults.inject({ type: 'status', status: 503, pathPrefix: '/api/v1/account/3249/document' })
    const before = sim().stats.requests
    const count = sim().store.documents.documentsOf(3249).length
    await expect(upload(bytes(1024))).rejects.toMatchObject({ upstream: { source: 'snappy' } })
    expect(sim().stats.requests - before).toBe(1)
    expect(sim().store.documents.documentsOf(3249)).toHaveLength(count)
  })

  it('fail with the body source’s own error, which does not count against the upstream', async () => {
    const refused = new ProblemError('payload_too_large', 'too big')
    const failing = (async function* () {
      yield Buffer.alloc(1024)
      throw refused
    })()
    const count = sim().store.documents.documentsOf(3249).length
    for (let i = 0; i < 4; i++) {
      const source =
        i === 0
          ? failing
          : (async function* () {
              yield Buffer.alloc(1)
              throw refused
            })()
      await expect(upload(source)).rejects.toBe(refused)
    }
    expect(snappy.engine.breaker.state).toBe('closed')
    expect(sim().store.documents.documentsOf(3249)).toHaveLength(count)
    const ok = await upload(bytes(2048))
    expect(ok).toMatchObject({ filename: 'a.bin', size: 2048 })
  })
})
