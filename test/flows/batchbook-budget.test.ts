/**
 * BatchBook's one request a second, spent as the lanes promise: a run of creates uses the
 * budget back to back, and one key's burst of reads cannot keep another key waiting.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { defaultMargin } from '../../src/upstreams/budget/scheduler.js'
import type { Message } from '../../src/schemas/message.js'
import { DEFAULT_BATCHBOOK_LIMIT } from '../../src/upstreams/batchbook/wire.js'
import { TEST_KEY, type RunningGateway, startGateway, testConfig } from '../helpers/gateway.js'
import { callsSince, described, mark, violations, writes } from '../helpers/upstream-calls.js'
import { batchbookId, call } from '../upstreams/snappy/e2e.js'

const OTHER_KEY = 'sk_other_0123456789abcdef'
/** The spacing the gateway keeps between two BatchBook calls: the window plus its margin. */
const INTERVAL_MS = DEFAULT_BATCHBOOK_LIMIT.windowMs + defaultMargin(DEFAULT_BATCHBOOK_LIMIT)

let gw: RunningGateway | undefined
afterEach(async () => {
  await gw?.close()
  gw = undefined
})

describe('the BatchBook budget at one request a second', () => {
  it(
    'writes ten creates with two participants and two tags each within 1.2 times the budget minimum',
    { timeout: 120_000 },
    async () => {
      // Each create is followed to its answer (4.4 s of calls, past the default bound after which
      // an accepted write is answered 202): the budget's use is what is measured here.
      const config = testConfig()
      config.upstream.maxQueueWaitMs = 10_000
      gw = await startGateway({ withSandbox: true, config })
      const from = mark(gw.sandbox!)
      const started = Date.now()
      const statuses: number[] = []
      for (let i = 0; i < 10; i++) {
        const res = await call<Message>(gw, 'POST', '/v1/messages', {
          json: {
            source: 'batchbook',
            kind: 'note',
            subject: `Visit ${i}`,
            body: `Notes of visit ${i}.`,
            participants: [
              { contactId: batchbookId('contact', '4'), role: 'from' },
              { contactId: batchbookId('contact', '1'), role: 'to' },
            ],
            tags: ['visit', `week-${i}`],
          },
        })
        statuses.push(res.status)
      }
      const elapsed = Date.now() - started
      const calls = callsSince(gw.sandbox!, from).batchbook
      expect(statuses).toEqual(Array(10).fill(201))
      expect(writes(calls).filter((c) => c === 'POST /service/communications.xml')).toHaveLength(10)
      expect(violations(gw.sandbox!)).toBe(0)
      // The first call goes at once; every later one waits one interval.
      const minimum = (calls.length - 1) * INTERVAL_MS
      console.info(
        `ten creates: ${calls.length} upstream calls in ${elapsed} ms, ${(elapsed / minimum).toFixed(3)}x the budget minimum of ${minimum} ms`,
      )
      expect(elapsed / minimum).toBeLessThanOrEqual(1.2)
    },
  )

  it(
    "serves another key's read within two upstream intervals while one key has fifty reads waiting",
    { timeout: 60_000 },
    async () => {
      gw = await startGateway({
        withSandbox: true,
        config: testConfig({
          apiKeys: [
            { name: 'burst', secret: TEST_KEY, connections: null },
            { name: 'other', secret: OTHER_KEY, connections: null },
          ],
        }),
      })
      const from = mark(gw.sandbox!)
      const burst = Array.from({ length: 50 }, (_, i) =>
        call(gw!, 'GET', `/v1/messages/${batchbookId('message', String(69480 + i))}/tags`),
      )
      // Let the burst queue up first.
      await new Promise((resolve) => setTimeout(resolve, 50))
      const queuedBefore = callsSince(gw.sandbox!, from).batchbook.length
      const asked = Date.now()
      const other = await call(gw, 'GET', `/v1/messages/${batchbookId('message', '69535')}/tags`, { key: OTHER_KEY })
      console.info(
        `the other key's read was answered in ${Date.now() - asked} ms with ${queuedBefore} burst calls made before it`,
      )
      expect(other.status).toBe(200)
      const answers = await Promise.all(burst)
      const order = described(callsSince(gw.sandbox!, from).batchbook)
      const position = order.indexOf('GET /service/communications/69535.xml')
      // At most one burst call goes between the other key's arrival and its own call.
      expect(position - queuedBefore).toBeLessThanOrEqual(1)
      // The burst was answered honestly: served, or refused with a Retry-After before any call.
      for (const answer of answers) {
        expect([200, 429]).toContain(answer.status)
        if (answer.status === 429) expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0)
      }
      expect(violations(gw.sandbox!)).toBe(0)
    },
  )
})
