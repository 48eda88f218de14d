import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeCursor } from '../../../src/cursor.js'
import { decodeId } from '../../../src/ids.js'
import type { Message } from '../../../src/schemas/message.js'
import { SCOPED_KEY, getJson, startGateway, type RunningGateway } from '../../helpers/gateway.js'

let gw: RunningGateway

beforeAll(async () => {
  gw = await startGateway({ withSandbox: true })
})
afterAll(async () => gw.close())

const bb = () => gw.sandbox!.batchbook.simulator
const cursorAt = (offset: number) => encodeCursor({ positions: { batchbook: offset }, done: [] })

describe('GET /v1/messages (BatchBook)', () => {
  it('returns one page of normalized messages, newest first', async () => {
    const { status, body } = await getJson(`${gw.url}/v1/messages?source=batchbook&limit=5`)
    expect(status).toBe(200)
    const data = body?.data as Message[]
    expect(data).toHaveLength(5)
    expect(typeof body?.nextCursor).toBe('string')
    for (const m of data) {
      expect(m.source).toBe('batchbook')
      expect(m.connection).toBe('batchbook')
      expect(decodeId('message', m.id, 1).parts).toEqual([m.remoteId])
      expect(['email', 'note', 'phone', 'chat']).toContain(m.kind)
      expect(m.sentAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    }
    const sentAt = data.map((m) => m.sentAt)
    expect([...sentAt].sort().reverse()).toEqual(sentAt)
  })

  it('walks every seeded communication exactly once with the cursor', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`
      const { status, body } = await getJson(`${gw.url}/v1/messages?source=batchbook&limit=10${query}`)
      expect(status).toBe(200)
      seen.push(...(body?.data as Message[]).map((m) => m.remoteId))
      cursor = body?.nextCursor as string | null
    } while (cursor !== null)
    const expected = bb()
      .store.listCommunications()
      .map((c) => String(c.id))
    expect(seen).toHaveLength(expected.length)
    expect(new Set(seen)).toEqual(new Set(expected))
  })

  it('rejects an unknown connection before any upstream call', async () => {
    const before = bb().stats.requests
    const res = await getJson(`${gw.url}/v1/messages?connection=nope`)
    expect(res).toMatchObject({ status: 400, body: { code: 'validation_failed' } })
    expect(bb().stats.requests).toBe(before)
  })

  it('answers 403 forbidden_connection to a key limited to another connection', async () => {
    const res = await getJson(`${gw.url}/v1/messages?connection=batchbook`, { authorization: `Bearer ${SCOPED_KEY}` })
    expect(res).toMatchObject({ status: 403, body: { code: 'forbidden_connection' } })
  })

  it('never shows a scoped key the messages of connections it may not use', async () => {
    const res = await getJson(`${gw.url}/v1/messages?limit=5`, { authorization: `Bearer ${SCOPED_KEY}` })
    expect(res.status).toBe(200)
    expect((res.body?.data as Message[]).filter((m) => m.source === 'batchbook')).toEqual([])
  })

  it('answers a failing upstream with a 502 problem naming the source', async () => {
    bb().faults.inject({ type: 'status', status: 500, pathPrefix: '/service/communications' })
    const res = await getJson(`${gw.url}/v1/messages?source=batchbook&limit=3`)
    expect(res).toMatchObject({
      status: 502,
      body: { code: 'upstream_unavailable', upstream: { source: 'batchbook', status: 500 } },
    })
  })

  it('answers an unreadable upstream document with a 502 problem', async () => {
    bb().faults.inject({ type: 'malformed', pathPrefix: '/service/communications' })
    const res = await getJson(`${gw.url}/v1/messages?source=batchbook&limit=3`)
    expect(res).toMatchObject({ status: 502, body: { code: 'upstream_bad_response' } })
  })

  it('answers 429 with Retry-After once the wait for budget would be too long', async () => {
    const answers = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((limit) =>
        getJson(`${gw.url}/v1/messages?source=batchbook&limit=${limit}&cursor=${cursorAt(30)}`),
      ),
    )
    const limited = answers.filter((a) => a.status === 429)
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(1)
    expect(limited.length).toBeGreaterThanOrEqual(3)
    for (const answer of limited) {
      expect(answer.body).toMatchObject({ code: 'rate_limited', upstream: { source: 'batchbook' } })
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    }
  })

  it('never exceeded the upstream rate limit', () => {
    expect(bb().stats.limitViolations).toBe(0)
  })
})

describe('GET /v1/sources', () => {
  it('lists each connection with capabilities and its rate budget', async () => {
    const { status, body } = await getJson(`${gw.url}/v1/sources`)
    expect(status).toBe(200)
    const data = body?.data as Array<Record<string, unknown>>
    expect(data.map((s) => [s.name, s.source, s.sandbox])).toEqual([
      ['batchbook', 'batchbook', true],
      ['snappy', 'snappy', true],
    ])
    expect(data[0]).toMatchObject({
      capabilities: { messages: { list: true } },
      rateLimit: { limit: 1, windowSeconds: 1, queued: 0 },
      circuit: { state: 'closed', consecutiveFailures: 0 },
    })
    expect(data[1]).toMatchObject({ rateLimit: { limit: 200, windowSeconds: 60 } })
    expect(JSON.stringify(body)).not.toContain(gw.sandbox!.connections[0]!.credential)
  })

  it('shows a scoped key only its connections', async () => {
    const { body } = await getJson(`${gw.url}/v1/sources`, { authorization: `Bearer ${SCOPED_KEY}` })
    expect((body?.data as Array<{ name: string }>).map((s) => s.name)).toEqual(['snappy'])
  })
})
