/**
 * A granted call must leave by its grant's `sendBy`: the check is made when undici writes the
 * request, so a call held up between its grant and the socket (an event loop that lagged while
 * the connection was being made) is aborted unsent, never sent late.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Pool } from 'undici'
import { realClock } from '../../src/clock.js'
import { LateSendError, sendByInterceptor } from '../../src/upstreams/send-by.js'

let received = 0
const server = createServer((_req, res) => {
  received++
  res.end('ok')
})
let origin: string

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((resolve) => server.close(resolve)))

/** Blocks the event loop, as a burst of work would. */
function busy(ms: number): void {
  const end = Date.now() + ms
  while (Date.now() < end);
}

describe('the send-by interceptor', () => {
  it('sends a request that leaves in time', async () => {
    const pool = new Pool(origin).compose(sendByInterceptor(realClock))
    const before = received
    const res = await pool.request({ method: 'GET', path: '/', sendBy: Date.now() + 1_000 } as never)
    expect(await res.body.text()).toBe('ok')
    expect(received).toBe(before + 1)
    await pool.close()
  })

  it('aborts, unsent, a request the event loop held past its moment', async () => {
    const pool = new Pool(origin).compose(sendByInterceptor(realClock))
    const before = received
    // A fresh pool connects first: the write waits for the connect callback, which waits for
    // the loop, which is busy past the grant's moment.
    const answer = pool.request({ method: 'POST', path: '/', body: 'x', sendBy: Date.now() + 50 } as never)
    busy(150)
    await expect(answer).rejects.toBeInstanceOf(LateSendError)
    await new Promise((r) => setTimeout(r, 50))
    expect(received).toBe(before)
    await pool.close()
  })
})
