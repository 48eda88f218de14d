/**
 * Once the upstream accepted a write, its answer never waits longer than
 * `RATE_LIMIT_MAX_WAIT_MS` and one interval for budget: a BatchBook message created with two
 * participants and tags at the documented one call a second takes five calls (over four
 * seconds); with a bound of 2 + 1.1 s it is answered `202 WriteAccepted` naming the step still waiting, with the record's
 * Location, and the rest completes in the background, updating the replica and recording the
 * message's event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeId } from '../../src/ids.js'
import type { Message } from '../../src/schemas/message.js'
import { type RunningGateway, startGateway, testConfig } from '../helpers/gateway.js'
import { call } from '../helpers/messages.js'
import { until } from '../helpers/replica.js'
import { type TestDatabase, testDatabase } from '../helpers/stores.js'

const BOUND_MS = 2_000
const contact = (n: number) => encodeId('contact', { source: 'batchbook', connection: 'batchbook', parts: [String(n)] })

let store: TestDatabase
let gw: RunningGateway

beforeAll(async () => {
  store = testDatabase('sqlite')
  const config = testConfig({ store: store.config })
  config.upstream.maxQueueWaitMs = BOUND_MS
  gw = await startGateway({ config, withSandbox: true, sync: false })
})
afterAll(async () => {
  await gw.close()
  await store.drop()
})

describe('a write whose later step waits for budget', () => {
  it('is answered 202 within the bound, and completes in the background', async () => {
    const started = Date.now()
    const answer = await call<{ status: string; warnings: Array<{ step: string; code: string }> }>(
      'POST',
      `${gw.url}/v1/messages`,
      {
        source: 'batchbook',
        kind: 'note',
        subject: 'Deadline kept',
        body: 'Five calls at one a second',
        participants: [
          { contactId: contact(4), role: 'from' },
          { contactId: contact(1), role: 'cc' },
        ],
        tags: ['deadline'],
      },
    )
    const took = Date.now() - started
    expect(answer.status).toBe(202)
    expect(answer.body.status).toBe('accepted')
    expect(answer.body.warnings).toEqual([expect.objectContaining({ code: 'step_pending' })])
    expect(['participants', 'tags', 'read-back']).toContain(answer.body.warnings[0]?.step)
    const location = String(answer.headers.location)
    expect(location).toMatch(/^\/v1\/messages\/msg_/)
    // The POST went at once; the answer came the bound (the wait and one interval) after it,
    // not after the five calls (4.4 s at best).
    expect(took).toBeLessThan(BOUND_MS + 1_100 + 500)
    const id = location.split('/').at(-1) as string
    await until(
      async () => {
        const events = await call<{ data: Array<{ type: string; data: { object: Message } }> }>(
          'GET',
          `${gw.url}/v1/events?types=message.created&limit=100`,
        )
        return events.body.data.some((e) => e.data.object.id === id && e.data.object.tags.includes('deadline'))
      },
      20_000,
      'the rest completed in the background',
    )
    expect(gw.sandbox?.batchbook.simulator.stats.limitViolations).toBe(0)
  }, 40_000)
})
