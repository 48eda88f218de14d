/**
 * The BatchBook sync at the documented limit (one request a second): the backfill reads each
 * page once, the replica then answers the timeline without upstream calls, a change made at
 * the upstream shows within one poll, a deletion goes with the reconcile pass, and the
 * participants fill in behind. Both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Message } from '../../src/schemas/message.js'
import { type RunningGateway, startGateway, testConfig } from '../helpers/gateway.js'
import { call } from '../helpers/messages.js'
import { STORE_KINDS, type TestDatabase, testDatabase } from '../helpers/stores.js'
import { waitForSync, walkMessages } from '../helpers/replica.js'
import { backfillOffsets } from '../helpers/simulated-upstreams.js'

const POLL_MS = 3_000

describe.each(STORE_KINDS)('the BatchBook sync on %s', (kind) => {
  let store: TestDatabase
  let gateway: RunningGateway

  beforeAll(async () => {
    store = testDatabase(kind, { pollMs: { batchbook: POLL_MS, snappy: 600_000 }, reconcileMs: 8_000 })
    const config = testConfig({ store: store.config })
    gateway = await startGateway({ config, withSandbox: true })
  }, 30_000)
  afterAll(async () => {
    await gateway.close()
    await store.drop()
  })

  it('backfills every communication, one upstream call per page of 100, and says so in /v1/sources', async () => {
    const sim = (gateway.sandbox as NonNullable<RunningGateway['sandbox']>).batchbook.simulator
    const total = sim.store.listCommunications().length
    const status = await waitForSync(gateway.url, 'batchbook', (s) => s.backfilledAt !== null, 60_000)
    expect(status.records.messages).toBe(total)
    // Asked for pages of 100, the simulator gives them: that is the page size from then on.
    expect(status.pageSize).toBe(100)
    // The backfill's pages (list calls without `updated_since`): each offset once, the last one
    // short. A short first page of 10 or more might be the upstream's own cap: the next offset
    // is read once to tell (nothing there: the end).
    const offsets = backfillOffsets(sim)
    const pages = Array.from({ length: Math.floor(total / 100) + 1 }, (_, i) => i * 100)
    expect(offsets).toEqual(total < 100 ? [0, total] : pages)
    expect(sim.stats.limitViolations).toBe(0)
  }, 90_000)

  it.runIf(kind === 'postgres')('gathers the planner statistics once the backfill is done', async () => {
    // PostgreSQL plans a search of a freshly loaded table badly until then (see Replica.refreshStatistics).
    await expect.poll(() => store.analyzedAt('messages'), { timeout: 5_000 }).not.toBeNull()
  })

  it('then serves a whole walk of the timeline from the replica, without upstream calls', async () => {
    const sim = (gateway.sandbox as NonNullable<RunningGateway['sandbox']>).batchbook.simulator
    const before = sim.stats.requests
    const walked = await walkMessages(gateway.url, '/v1/messages?source=batchbook&limit=100')
    const calls = sim.stats.requests - before
    expect(new Set(walked.map((m) => m.id)).size).toBe(walked.length)
    expect(walked.length).toBe(sim.store.listCommunications().length)
    // The sync may poll meanwhile (one call per poll); the walk itself adds none.
    expect(calls).toBeLessThanOrEqual(Math.ceil(2_000 / POLL_MS) + 1)
  })

  it('answers with how old its data is', async () => {
    const page = await call('GET', `${gateway.url}/v1/messages?source=batchbook&limit=1`)
    expect(Number(page.headers['x-data-age'])).toBeGreaterThanOrEqual(0)
    expect(Number(page.headers['x-data-age'])).toBeLessThanOrEqual(POLL_MS / 1000 + 5)
  })

  it('shows a change made at the upstream within one poll interval', async () => {
    const sim = (gateway.sandbox as NonNullable<RunningGateway['sandbox']>).batchbook.simulator
    const [target] = sim.store.listCommunications()
    if (target === undefined) throw new Error('no communication seeded')
    sim.store.updateCommunication(target.id, { subject: 'Changed outside Switchboard' })
    const changedAt = Date.now()
    for (;;) {
      const found = await call<{ data: Message[] }>(
        'GET',
        `${gateway.url}/v1/messages?q=changed%20outside&source=batchbook`,
      )
      if (found.body.data.some((m) => m.remoteId === String(target.id))) break
      // One poll interval, plus the call's own turn at one request a second.
      expect(Date.now() - changedAt).toBeLessThan(POLL_MS + 3_000)
      await new Promise((r) => setTimeout(r, 200))
    }
  }, 20_000)

  it('forgets a communication deleted at the upstream after the reconcile pass', async () => {
    const sim = (gateway.sandbox as NonNullable<RunningGateway['sandbox']>).batchbook.simulator
    const [target] = sim.store.listCommunications().slice(-1)
    if (target === undefined) throw new Error('no communication seeded')
    sim.store.deleteCommunication(target.id)
    const gone = async () => {
      const all = await walkMessages(gateway.url, '/v1/messages?source=batchbook&limit=100')
      return !all.some((m) => m.remoteId === String(target.id))
    }
    const deadline = Date.now() + 60_000
    while (!(await gone())) {
      expect(Date.now()).toBeLessThan(deadline)
      await new Promise((r) => setTimeout(r, 1_000))
    }
  }, 70_000)

  it('reads the participants of a message asked for with expand=participants, and stores them', async () => {
    const sim = (gateway.sandbox as NonNullable<RunningGateway['sandbox']>).batchbook.simulator
    const withParticipants = sim.store
      .listCommunications()
      .find((c) => (sim.store.participantsOf(c.id) ?? []).length > 0)
    if (withParticipants === undefined) throw new Error('no communication with participants seeded')
    const page = await walkMessages(gateway.url, '/v1/messages?source=batchbook&limit=100')
    const id = page.find((m) => m.remoteId === String(withParticipants.id))?.id as string
    const one = await call<Message>('GET', `${gateway.url}/v1/messages/${id}?expand=participants`)
    expect(one.status).toBe(200)
    expect(one.body.participantsStatus).toBe('complete')
    expect(one.body.participants.length).toBe(sim.store.participantsOf(withParticipants.id)?.length)
    const before = sim.stats.requests
    const again = await call<Message>('GET', `${gateway.url}/v1/messages/${id}`)
    expect(again.body.participants).toEqual(one.body.participants)
    expect(sim.stats.requests - before).toBeLessThanOrEqual(1)
  }, 30_000)
})
