import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeId } from '../../../src/ids.js'
import type { Message } from '../../../src/schemas/message.js'
import { FAST_LIMITS, startGateway, type RunningGateway } from '../../helpers/gateway.js'
import { call } from '../../helpers/messages.js'

let gw: RunningGateway
type Page = {
  data: Message[]
  nextCursor: string | null
  warnings?: Array<{ source: string; connection: string; code: string }>
}

/** Every note of every ticket waiting in an account the sandbox key's staff member belongs to. */
function snappyTimelineNotes(): string[] {
  const sim = gw.sandbox!.snappy.simulator
  const staff = sim.store.directory.staffForKey(gw.sandbox!.connections[1]!.credential)!
  const accounts = new Set(sim.store.directory.accountsOf(staff.id).map((a) => a.account.id))
  const tickets = sim.store.tickets.tickets.all().filter((t) => accounts.has(t.accountId) && t.status === 'waiting')
  return tickets.flatMap((t) => sim.store.tickets.notesOf(t.id).map((n) => `snappy:${n.id}`))
}

async function walk(query: string): Promise<{ messages: Message[]; pages: Page[] }> {
  const messages: Message[] = []
  const pages: Page[] = []
  let cursor: string | null = null
  do {
    const page: { status: number; body: Page } = await call<Page>(
      'GET',
      `${gw.url}/v1/messages?${query}${cursor === null ? '' : `&cursor=${cursor}`}`,
    )
    expect(page.status).toBe(200)
    pages.push(page.body)
    messages.push(...page.body.data)
    cursor = page.body.nextCursor
  } while (cursor !== null)
  return { messages, pages }
}

beforeAll(async () => {
  gw = await startGateway({ withSandbox: true, limits: FAST_LIMITS })
})
afterAll(async () => gw.close())

describe('the unified timeline', () => {
  it('walks every message of both sources exactly once, newest first, with limit=7', async () => {
    const { messages } = await walk('limit=7')
    const keys = messages.map((m) => `${m.source}:${m.remoteId}`)
    expect(new Set(keys).size).toBe(keys.length)
    const expected = [
      ...gw.sandbox!.batchbook.simulator.store.listCommunications().map((c) => `batchbook:${c.id}`),
      ...snappyTimelineNotes(),
    ]
    expect(new Set(keys)).toEqual(new Set(expected))
    const sentAt = messages.map((m) => m.sentAt)
    expect([...sentAt].sort().reverse()).toEqual(sentAt)
    expect(messages.some((m) => m.source === 'snappy') && messages.some((m) => m.source === 'batchbook')).toBe(true)
  })

  it('filters to one conversation', async () => {
    const ticket = gw.sandbox!.snappy.simulator.store.tickets.tickets.all().find((t) => t.status === 'closed')!
    const conversation = encodeId('conversation', {
      source: 'snappy',
      connection: 'snappy',
      parts: [String(ticket.id)],
    })
    const { messages } = await walk(`conversation=${conversation}&limit=50`)
    expect(messages.map((m) => m.remoteId).sort()).toEqual(
      gw
        .sandbox!.snappy.simulator.store.tickets.notesOf(ticket.id)
        .map((n) => String(n.id))
        .sort(),
    )
    expect(messages.every((m) => m.conversationId === conversation)).toBe(true)
  })

  it('filters Snappy notes by kind', async () => {
    const { messages } = await walk('source=snappy&kind=note&limit=100')
    expect(messages.length).toBeGreaterThan(0)
    expect(messages.every((m) => m.kind === 'note' && m.visibility === 'private')).toBe(true)
  })

  it('serves the other source with a warning when one upstream is down, and resumes it later', async () => {
    const fresh = await startGateway({ withSandbox: true, limits: FAST_LIMITS })
    try {
      fresh.sandbox!.snappy.simulator.faults.inject({ type: 'status', status: 500, times: 1000 })
      const first = await call<Page>('GET', `${fresh.url}/v1/messages?limit=5`)
      expect(first.status).toBe(200)
      expect(first.body.data.every((m) => m.source === 'batchbook')).toBe(true)
      expect(first.body.warnings).toEqual([
        { source: 'snappy', connection: 'snappy', code: 'upstream_unavailable', detail: expect.any(String) },
      ])
      fresh.sandbox!.snappy.simulator.faults.clear()
      fresh.app.upstreams.get('snappy')!.engine.breaker.success()
      const next = await call<Page>(
        'GET',
        `${fresh.url}/v1/messages?limit=50&cursor=${first.body.nextCursor as string}`,
      )
      expect(next.body.warnings).toBeUndefined()
      expect(next.body.data.some((m) => m.source === 'snappy')).toBe(true)
    } finally {
      await fresh.close()
    }
  })
})
