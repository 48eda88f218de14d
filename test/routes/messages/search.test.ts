import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeId } from '../../../src/ids.js'
import type { Message } from '../../../src/schemas/message.js'
import { FAST_LIMITS, startGateway, type RunningGateway } from '../../helpers/gateway.js'
import { call } from '../../helpers/messages.js'

let gw: RunningGateway
const bb = () => gw.sandbox!.batchbook.simulator
const lastUpstreamQuery = () => new URL(bb().stats.recent.at(-1)?.url ?? '/', 'http://x').searchParams
type Page = { data: Message[]; nextCursor: string | null }

beforeAll(async () => {
  gw = await startGateway({ withSandbox: true, limits: FAST_LIMITS })
})
afterAll(async () => gw.close())

describe('searching BatchBook messages', () => {
  it('filters by kind through ctype', async () => {
    const res = await call<Page>('GET', `${gw.url}/v1/messages?source=batchbook&kind=chat&limit=100`)
    const expected = bb().store.listCommunications({ ctype: 'Chat' }).length
    expect(res.body.data).toHaveLength(expected)
    expect(res.body.data.every((m) => m.kind === 'chat')).toBe(true)
    expect(lastUpstreamQuery().get('ctype')).toBe('chat')
  })

  it('filters by contact through contact_id', async () => {
    const contact = encodeId('contact', { source: 'batchbook', connection: 'batchbook', parts: ['4'] })
    const res = await call<Page>('GET', `${gw.url}/v1/messages?contact=${contact}&limit=100`)
    expect(res.body.data.map((m) => Number(m.remoteId)).sort()).toEqual(
      bb()
        .store.listCommunications({ contactId: 4 })
        .map((c) => c.id)
        .sort(),
    )
    expect(lastUpstreamQuery().get('contact_id')).toBe('4')
  })

  it('sends date filters in the upstream date form', async () => {
    const res = await call<Page>(
      'GET',
      `${gw.url}/v1/messages?source=batchbook&createdSince=2010-07-01T13:37:38Z&createdBefore=2011-01-01T00:00:00Z&updatedSince=2009-01-01T00:00:00Z&updatedBefore=2012-01-01T00:00:00Z&limit=5`,
    )
    expect(res.status).toBe(200)
    const query = lastUpstreamQuery()
    expect(query.get('created_since')).toBe('Jul 01 13:37:38 UTC 2010')
    expect(query.get('created_before')).toBe('Jan 01 00:00:00 UTC 2011')
    expect(query.get('updated_since')).toBe('Jan 01 00:00:00 UTC 2009')
    expect(query.get('updated_before')).toBe('Jan 01 00:00:00 UTC 2012')
    for (const m of res.body.data)
      expect(m.createdAt >= '2010-07-01T13:37:38.000Z' && m.createdAt < '2011-01-01T00:00:00.000Z').toBe(true)
  })

  it('refuses filters that name different connections', async () => {
    const contact = encodeId('contact', { source: 'batchbook', connection: 'batchbook', parts: ['4'] })
    expect(await call('GET', `${gw.url}/v1/messages?contact=${contact}&connection=snappy`)).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    })
  })

  it('loads participants in lists only when asked to', async () => {
    const plain = await call<Page>('GET', `${gw.url}/v1/messages?source=batchbook&limit=3`)
    expect(plain.body.data.every((m) => m.participants.length === 0)).toBe(true)
    const expanded = await call<Page>('GET', `${gw.url}/v1/messages?source=batchbook&limit=3&expand=participants`)
    const withParticipants = expanded.body.data.filter(
      (m) => (bb().store.participantsOf(Number(m.remoteId)) ?? []).length > 0,
    )
    expect(withParticipants.length).toBeGreaterThan(0)
    for (const m of withParticipants)
      expect(m.participants.length).toBe(bb().store.participantsOf(Number(m.remoteId))?.length)
  })

  it('walks every seeded communication exactly once, in order, with limit=7', async () => {
    const seen: Message[] = []
    let cursor: string | null = null
    do {
      const page: { body: Page } = await call<Page>(
        'GET',
        `${gw.url}/v1/messages?source=batchbook&limit=7${cursor === null ? '' : `&cursor=${cursor}`}`,
      )
      seen.push(...page.body.data)
      cursor = page.body.nextCursor
    } while (cursor !== null)
    const ids = seen.map((m) => m.remoteId)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.length).toBe(bb().store.listCommunications().length)
    const sentAt = seen.map((m) => m.sentAt)
    expect([...sentAt].sort().reverse()).toEqual(sentAt)
  })

  it('never exceeded the upstream rate limit', () => {
    expect(bb().stats.limitViolations).toBe(0)
  })
})
