/**
 * The change feed as server-sent events, on virtual time: the events written before and while
 * the stream is open, each with the feed cursor after it as its id; resuming with
 * `Last-Event-ID`; the key's connections and the `types` filter; heartbeats while nothing
 * happens; a bounded stream; problems before it begins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningGateway, SCOPED_KEY, TEST_KEY } from '../../helpers/gateway.js'
import { call } from '../../helpers/messages.js'
import { startStoreGateway } from '../../helpers/store-gateway.js'

let gw: RunningGateway

beforeAll(async () => {
  gw = await startStoreGateway()
})
afterAll(async () => gw.close())

interface Sse {
  id?: string
  event?: string
  data?: string
}

function parse(text: string): { events: Sse[]; comments: number; retry: string | undefined } {
  const events: Sse[] = []
  let comments = 0
  let retry: string | undefined
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') continue
    const event: Sse = {}
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments++
      else if (line.startsWith('retry: ')) retry = line.slice(7)
      else if (line.startsWith('id: ')) event.id = line.slice(4)
      else if (line.startsWith('event: ')) event.event = line.slice(7)
      else if (line.startsWith('data: ')) event.data = line.slice(6)
    }
    if (event.event !== undefined) events.push(event)
  }
  return { events, comments, retry }
}

function stream(query = '', headers: Record<string, string> = {}) {
  return gw.app.inject({
    method: 'GET',
    url: `/v1/events/stream${query}`,
    headers: { authorization: `Bearer ${TEST_KEY}`, accept: 'text/event-stream', ...headers },
  })
}

const note = (subject: string) => ({ source: 'batchbook', kind: 'note', subject, body: 'Streamed.' })

describe('GET /v1/events/stream', () => {
  it('sends the events written before and while it is open, then ends at its bound', async () => {
    const before = await call<{ id: string }>('POST', `${gw.url}/v1/messages`, note('before'))
    const clock = gw.clock!
    const opened = clock.now()
    const answer = stream('?types=message.created')
    // A write while the stream is open, five virtual minutes in.
    await clock.pass(5 * 60_000)
    const during = await call<{ id: string }>('POST', `${gw.url}/v1/messages`, note('during'))
    const res = await answer
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    const { events, comments, retry } = parse(res.body)
    expect(retry).toBe('2000')
    expect(events.map((e) => e.event)).toEqual(['message.created', 'message.created'])
    expect(events.map((e) => JSON.parse(e.data as string).data.object.id)).toEqual([before.body.id, during.body.id])
    // Heartbeats while nothing happened: about one every fifteen seconds of the fifteen minutes.
    expect(comments).toBeGreaterThan(50)
    expect(clock.now() - opened).toBeGreaterThanOrEqual(15 * 60_000)
  }, 60_000)

  it('resumes after Last-Event-ID, and keeps to the key’s connections', async () => {
    const all = parse((await stream('?types=message.created')).body).events
    const resumed = parse((await stream('?types=message.created', { 'last-event-id': all[0]?.id as string })).body)
    expect(resumed.events.map((e) => e.id)).toEqual(all.slice(1).map((e) => e.id))
    // The scoped key may use Snappy only: none of the BatchBook events reach it.
    const scoped = parse((await stream('', { authorization: `Bearer ${SCOPED_KEY}` })).body)
    expect(scoped.events.filter((e) => JSON.parse(e.data as string).connection === 'batchbook')).toEqual([])
  }, 60_000)

  it('answers a problem, not a stream, for a bad filter or cursor', async () => {
    const bad = await stream('?types=Nope')
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/)
    const cursor = await stream('', { 'last-event-id': 'not-a-cursor' })
    expect(cursor.statusCode).toBe(400)
    expect(JSON.parse(cursor.body).code).toBe('invalid_cursor')
  })
})
