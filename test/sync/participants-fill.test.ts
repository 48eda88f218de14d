/**
 * Right after a backfill of 2,000 BatchBook communications at the documented one call a second,
 * the participants of nearly every record are still to be read (one call each, over half an
 * hour). Reads of those records never wait for that: sixty random ones are answered at once
 * from the replica, none throttled, `participantsStatus: pending`, and they are filled first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Message } from '../../src/schemas/message.js'
import { type RunningGateway, startGateway } from '../helpers/gateway.js'
import { call } from '../helpers/messages.js'
import { until, waitForSync, walkMessages } from '../helpers/replica.js'
import {
  type SimulatedUpstreams,
  configOver,
  inProcess,
  startSimulatedUpstreams,
} from '../helpers/simulated-upstreams.js'
import { type TestDatabase, testDatabase } from '../helpers/stores.js'

let upstreams: SimulatedUpstreams
let store: TestDatabase
let gateway: RunningGateway

beforeAll(async () => {
  upstreams = await startSimulatedUpstreams({ virtual: true, volume: { communications: 2_000 } })
  store = testDatabase('sqlite', { pollMs: { batchbook: 60_000, snappy: 60_000 } })
  gateway = await startGateway({ config: configOver(upstreams, store), ...inProcess(upstreams) })
  await waitForSync(gateway.url, 'crm', (s) => s.backfilledAt !== null, 90_000)
}, 120_000)
afterAll(async () => {
  await gateway.close()
  await upstreams.close()
  await store.drop()
})

describe('record reads right after a backfill', () => {
  it('are answered at once from the replica, and their participants are filled first', async () => {
    const all = await walkMessages(gateway.url, '/v1/messages?limit=100')
    // Random records, none among the newest hundred (which the fill would reach first anyway).
    const picks = all
      .slice(100)
      .sort(() => Math.random() - 0.5)
      .slice(0, 60)
    const started = Date.now()
    const answers = await Promise.all(picks.map((m) => call<Message>('GET', `${gateway.url}/v1/messages/${m.id}`)))
    const took = Date.now() - started
    console.info(`60 random record reads right after the backfill: answered in ${took} ms`)
    expect(answers.map((a) => a.status)).toEqual(picks.map(() => 200))
    expect(took).toBeLessThan(10_000)
    expect(answers.filter((a) => a.body.participantsStatus === 'pending').length).toBeGreaterThan(50)
    // The fill takes the records read first: within a minute at one call a second, most are in.
    await until(
      async () => {
        const again = await Promise.all(picks.map((m) => call<Message>('GET', `${gateway.url}/v1/messages/${m.id}`)))
        return again.filter((a) => a.body.participantsStatus === 'complete').length >= 40
      },
      75_000,
      'the records read filled first',
      gateway.clock,
    )
    expect(upstreams.batchbook.stats.limitViolations).toBe(0)
  }, 100_000)

  it('says in /v1/sources how far the fill is and how long the rest takes at the limit', async () => {
    const sample = async () => (await waitForSync(gateway.url, 'crm', () => true, 1_000)).progress
    const first = await sample()
    await gateway.clock!.pass(120_000)
    const second = await sample()
    console.info(`participants fill as /v1/sources shows it: ${JSON.stringify(first)} → ${JSON.stringify(second)}`)
    expect(first).toMatchObject({ phase: 'participants', total: 2_000 })
    expect(second.done as number).toBeGreaterThan(first.done as number)
    expect(second.percent as number).toBeGreaterThan(first.percent as number)
    // One call each for what is left, 1.1 s apart (the limit and its margin): the estimate
    // shrinks by about the time that passed.
    expect(second.etaSeconds).toBe(Math.ceil((second.total! - second.done!) * 1.1))
    const shrank = (first.etaSeconds as number) - (second.etaSeconds as number)
    expect(shrank).toBeGreaterThan(100)
    expect(shrank).toBeLessThan(140)
  }, 60_000)
})
