/**
 * The Snappy sync at the documented limit (200 requests a minute): the backfill reads the
 * directory, the queues and each queued ticket's notes; afterwards a note added, a ticket
 * closed or deleted at the upstream shows within one poll interval. Both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Conversation } from '../../src/schemas/conversation.js'
import type { Message } from '../../src/schemas/message.js'
import { type RunningGateway, startGateway, testConfig } from '../helpers/gateway.js'
import { call } from '../helpers/messages.js'
import { until, waitForSync, walkMessages } from '../helpers/replica.js'
import { STORE_KINDS, type TestDatabase, testDatabase } from '../helpers/stores.js'

const POLL_MS = 3_000
/** One poll interval, and the pass's own calls at 200 a minute. */
const WITHIN_MS = POLL_MS + 5_000

type Page<T> = { data: T[]; nextCursor: string | null }

describe.each(STORE_KINDS)('the Snappy sync on %s', (kind) => {
  let store: TestDatabase
  let gateway: RunningGateway
  const sim = () => (gateway.sandbox as NonNullable<RunningGateway['sandbox']>).snappy.simulator

  beforeAll(async () => {
    store = testDatabase(kind, { pollMs: { batchbook: 600_000, snappy: POLL_MS } })
    gateway = await startGateway({ config: testConfig({ store: store.config }), withSandbox: true })
  }, 30_000)
  afterAll(async () => {
    await gateway.close()
    await store.drop()
  })

  it('backfills the queues with every note of every queued ticket', async () => {
    const status = await waitForSync(gateway.url, 'snappy', (s) => s.backfilledAt !== null, 60_000)
    expect(status.records.conversations).toBeGreaterThan(0)
    const queue = await call<Page<Conversation>>('GET', `${gateway.url}/v1/conversations?limit=100`)
    expect(queue.body.data.length).toBeGreaterThan(0)
    const messages = await walkMessages(gateway.url, '/v1/messages?source=snappy&limit=100')
    for (const conversation of queue.body.data) {
      const stored = messages.filter((m) => m.conversationId === conversation.id)
      expect(stored).toHaveLength(sim().store.tickets.notesOf(Number(conversation.remoteId)).length)
    }
    expect(sim().stats.limitViolations).toBe(0)
  }, 90_000)

  it('shows a note added at the upstream within one poll interval', async () => {
    const queue = await call<Page<Conversation>>('GET', `${gateway.url}/v1/conversations?limit=1`)
    const conversation = queue.body.data[0] as Conversation
    sim().store.tickets.addNote({ ticketId: Number(conversation.remoteId), content: 'Any news on my order, pelican?' })
    await until(
      async () => {
        const found = await call<Page<Message>>('GET', `${gateway.url}/v1/messages?source=snappy&q=pelican`)
        return found.body.data.some((m) => m.conversationId === conversation.id)
      },
      WITHIN_MS,
      'the change',
    )
  }, 20_000)

  it('takes a ticket closed at the upstream out of the queue, with its final status', async () => {
    const queue = await call<Page<Conversation>>('GET', `${gateway.url}/v1/conversations?limit=1`)
    const conversation = queue.body.data[0] as Conversation
    sim().store.tickets.closeTicket(Number(conversation.remoteId))
    await until(
      async () => {
        const now = await call<Page<Conversation>>('GET', `${gateway.url}/v1/conversations?limit=100`)
        return !now.body.data.some((c) => c.id === conversation.id)
      },
      WITHIN_MS,
      'the change',
    )
    const closed = await call<Conversation>('GET', `${gateway.url}/v1/conversations/${conversation.id}`)
    expect(closed.body.status).toBe('closed')
  }, 20_000)

  it('forgets a ticket deleted at the upstream, with its notes', async () => {
    const queue = await call<Page<Conversation>>('GET', `${gateway.url}/v1/conversations?limit=1`)
    const conversation = queue.body.data[0] as Conversation
    await sim().store.tickets.deleteTicket(Number(conversation.remoteId))
    await until(
      async () => {
        const left = await call<Page<Message>>(
          'GET',
          `${gateway.url}/v1/messages?conversation=${conversation.id}&limit=100`,
        )
        return left.body.data.length === 0
      },
      WITHIN_MS,
      'the change',
    )
    expect(sim().stats.limitViolations).toBe(0)
  }, 20_000)
})
