/**
 * Identical reads in flight together share one upstream read, `Cache-Control: no-cache` ones
 * included, at the documented one call a second: fifty at once are fifty answers, none
 * refused for budget, from one read of the record and one of its participants.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeId } from '../../../src/ids.js'
import { type RunningGateway, startGateway } from '../../helpers/gateway.js'
import { call } from '../../helpers/messages.js'

let gw: RunningGateway
const bb = () => gw.sandbox!.batchbook.simulator

beforeAll(async () => {
  gw = await startGateway({ withSandbox: true })
})
afterAll(async () => gw.close())

describe('fifty no-cache reads of one record at once', () => {
  it('are fifty answers from one upstream read', async () => {
    const id = encodeId('message', { source: 'batchbook', connection: 'batchbook', parts: ['69522'] })
    const before = bb().stats.requests
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        call('GET', `${gw.url}/v1/messages/${id}`, undefined, { 'cache-control': 'no-cache' }),
      ),
    )
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 50 }, () => 200))
    // The record and its participants: one upstream read each.
    expect(bb().stats.requests - before).toBeLessThanOrEqual(2)
    expect(bb().stats.limitViolations).toBe(0)
  })
})
