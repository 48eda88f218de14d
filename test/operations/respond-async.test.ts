/**
 * `Prefer: respond-async` at the documented limits (BatchBook: one call a second), on virtual
 * time with the store: thirty creates sent at once by one client are each answered 202 at
 * once, run in order until every one succeeded, at the budget's pace, with exactly one upstream
 * create and one `message.created` each; retrying with their Idempotency-Keys writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Operation } from '../../src/schemas/operation.js'
import type { RunningGateway } from '../helpers/gateway.js'
import { call } from '../helpers/messages.js'
import { startStoreGateway } from '../helpers/store-gateway.js'
import { callsSince, mark, violations, writes } from '../helpers/upstream-calls.js'
import { batchbookId } from '../upstreams/snappy/e2e.js'

/** BatchBook's documented limit: one call a second. */
const DOCUMENTED_INTERVAL_MS = 1_000
const CREATES = 30

let gw: RunningGateway

beforeAll(async () => {
  gw = await startStoreGateway()
})
afterAll(async () => gw.close())

function create(i: number) {
  return {
    source: 'batchbook',
    kind: 'note',
    subject: `Queued ${i}`,
    body: `Queued write ${i}.`,
    participants: [{ contactId: batchbookId('contact', '4'), role: 'from' }],
    tags: [`queued-${i}`],
  }
}

async function operation(id: string): Promise<Operation> {
  return (await call<Operation>('GET', `${gw.url}/v1/operations/${id}`)).body
}

describe('thirty creates with Prefer: respond-async', () => {
  it(
    'are queued at once, all succeed at the budget’s pace, and a retry writes nothing',
    { timeout: 120_000 },
    async () => {
      const clock = gw.clock!
      const from = mark(gw.sandbox!)
      const sentAt = clock.now()
      const latencies: number[] = []
      const answers = await Promise.all(
        Array.from({ length: CREATES }, async (_, i) => {
          const started = performance.now()
          const res = await call<Operation>('POST', `${gw.url}/v1/messages`, create(i), {
            prefer: 'respond-async',
            'idempotency-key': `queued-${i}`,
          })
          latencies.push(performance.now() - started)
          return res
        }),
      )
      expect(answers.map((a) => a.status)).toEqual(Array(CREATES).fill(202))
      for (const answer of answers) {
        expect(answer.headers['preference-applied']).toBe('respond-async')
        expect(answer.headers.location).toBe(`/v1/operations/${answer.body.id}`)
        expect(answer.body.connection).toBe('batchbook')
      }
      latencies.sort((a, b) => a - b)
      const p99 = latencies[Math.ceil(latencies.length * 0.99) - 1] as number
      console.info(`30 × 202: p99 ${p99.toFixed(1)} ms (real time)`)
      expect(p99).toBeLessThan(200)
      // A queued one says where it stands and when it should start.
      for (const { body } of answers.filter((a) => a.body.state === 'queued')) {
        expect(body.position).toBeGreaterThanOrEqual(1)
        expect(Date.parse(body.estimatedStartAt as string)).toBeGreaterThanOrEqual(sentAt)
      }

      const ids = answers.map((a) => a.body.id)
      let done: Operation[] = []
      await clock.until(async () => {
        done = await Promise.all(ids.map(operation))
        return done.every((o) => o.state === 'succeeded' || o.state === 'failed')
      }, 10 * 60_000)
      const drainedMs = Math.max(...done.map((o) => Date.parse(o.finishedAt as string))) - sentAt
      expect(done.map((o) => o.state)).toEqual(Array(CREATES).fill('succeeded'))
      const calls = callsSince(gw.sandbox!, from).batchbook
      expect(writes(calls).filter((w) => w === 'POST /service/communications.xml')).toHaveLength(CREATES)
      expect(violations(gw.sandbox!)).toBe(0)
      // The budget's minimum: the calls at the gateway's own spacing (the documented limit plus the
      // safety margin every call keeps, 100 ms a second for BatchBook).
      const interval = gw.app.upstreams.get('batchbook')!.engine.scheduler.intervalMs
      const minimum = (calls.length - 1) * interval
      console.info(
        `drained ${CREATES} operations (${calls.length} upstream calls) in ${drainedMs} ms: ${(drainedMs / minimum).toFixed(3)}x the budget minimum, ` +
          `${(drainedMs / ((calls.length - 1) * DOCUMENTED_INTERVAL_MS)).toFixed(3)}x the documented limit's`,
      )
      expect(drainedMs / minimum).toBeLessThanOrEqual(1.1)

      // Each succeeded with the record it made, and each record has exactly one message.created.
      const messageIds = done.map((o) => o.result?.id)
      expect(new Set(messageIds).size).toBe(CREATES)
      for (const o of done) expect(o.result).toMatchObject({ status: 201, location: `/v1/messages/${o.result?.id}` })
      const feed = await call<{ data: Array<{ type: string; data: { object: { id: string } } }> }>(
        'GET',
        `${gw.url}/v1/events?types=message.created&limit=100`,
      )
      const created = feed.body.data.map((e) => e.data.object.id).filter((id) => messageIds.includes(id))
      expect(created.sort()).toEqual([...messageIds].sort())

      // Retrying five with their keys, with the preference or without: the same operation, no write.
      const before = mark(gw.sandbox!)
      for (const i of [0, 7, 14, 21, 29]) {
        const again = await call<Operation>('POST', `${gw.url}/v1/messages`, create(i), {
          ...(i % 2 === 0 ? { prefer: 'respond-async' } : {}),
          'idempotency-key': `queued-${i}`,
        })
        expect(again.status).toBe(202)
        expect(again.headers['idempotent-replayed']).toBe('true')
        expect(again.body.id).toBe(ids[i])
      }
      await clock.pass(5_000)
      expect(writes(callsSince(gw.sandbox!, before).batchbook)).toEqual([])
      const events = await call<{ data: Array<{ type: string; data: { object: Operation } }> }>(
        'GET',
        `${gw.url}/v1/events?types=operation.succeeded&limit=100`,
      )
      expect(events.body.data.map((e) => e.data.object.id).sort()).toEqual([...ids].sort())
    },
  )
})
