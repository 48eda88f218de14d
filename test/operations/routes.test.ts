/**
 * Operations through the API, on virtual time over the sandbox: what a queued write answers,
 * where it stands, cancelling, the bounds per key and per connection, keys kept apart,
 * `Prefer: wait`, a failed write's problem, and the queue in `/v1/sources` and metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Operation } from '../../src/schemas/operation.js'
import type { Source } from '../../src/schemas/source.js'
import { type RunningGateway, SCOPED_KEY, TEST_KEY, send, startGateway, testConfig } from '../helpers/gateway.js'
import { call } from '../helpers/messages.js'
import { startStoreGateway } from '../helpers/store-gateway.js'
import { callsSince, mark } from '../helpers/upstream-calls.js'
import { WCL_MAILBOX } from '../upstreams/snappy/e2e.js'

const asScoped = { authorization: `Bearer ${SCOPED_KEY}` }

function note(i: number) {
  return { source: 'batchbook', kind: 'note', subject: `Later ${i}`, body: `Written later ${i}.` }
}

function snappyTicket(subject: string) {
  return {
    source: 'snappy',
    mailboxId: WCL_MAILBOX,
    from: [{ name: 'Ada', address: 'ada@example.org' }],
    subject,
    body: 'Queued for later.',
  }
}

describe('a queue nobody works (this gateway runs no operations)', () => {
  let gw: RunningGateway

  beforeAll(async () => {
    gw = await startStoreGateway({
      operate: false,
      configure: (config) => {
        config.operations = { maxQueuedPerKey: 6, maxQueuedPerConnection: 5 }
      },
    })
  })
  afterAll(async () => gw.close())

  it('refuses bad input at once, with no operation and no upstream call', async () => {
    const from = mark(gw.sandbox!)
    const res = await call(
      'POST',
      `${gw.url}/v1/messages`,
      { source: 'batchbook', kind: 'nope' },
      { prefer: 'respond-async' },
    )
    expect(res.status).toBe(400)
    const list = await call<{ data: Operation[] }>('GET', `${gw.url}/v1/operations`)
    expect(list.body.data).toEqual([])
    expect(callsSince(gw.sandbox!, from).batchbook).toEqual([])
  })

  it('answers 202 with the operation, its place in the queue and when it should start', async () => {
    const from = mark(gw.sandbox!)
    const answers = []
    for (let i = 0; i < 3; i++)
      answers.push(await call<Operation>('POST', `${gw.url}/v1/messages`, note(i), { prefer: 'respond-async' }))
    expect(callsSince(gw.sandbox!, from).batchbook).toEqual([])
    expect(answers.map((a) => [a.status, a.body.state, a.body.position])).toEqual([
      [202, 'queued', 1],
      [202, 'queued', 2],
      [202, 'queued', 3],
    ])
    const starts = answers.map((a) => Date.parse(a.body.estimatedStartAt as string))
    expect(starts[1]).toBeGreaterThan(starts[0] as number)
    expect(starts[2]).toBeGreaterThan(starts[1] as number)
    const [first] = answers
    expect(first?.body.request).toEqual({ method: 'POST', path: '/v1/messages', body: note(0) })
    const read = await call<Operation>('GET', `${gw.url}${first?.headers.location}`)
    expect(read.body).toMatchObject({ id: first?.body.id, state: 'queued', position: 1, result: null, problem: null })
  })

  it('keeps each key’s operations its own', async () => {
    const mine = await call<{ data: Operation[] }>('GET', `${gw.url}/v1/operations?state=queued`)
    expect(mine.body.data.length).toBeGreaterThan(0)
    const id = mine.body.data[0]?.id as string
    expect((await call('GET', `${gw.url}/v1/operations/${id}`, undefined, asScoped)).status).toBe(404)
    expect((await call('DELETE', `${gw.url}/v1/operations/${id}`, undefined, asScoped)).status).toBe(404)
    const theirs = await call<{ data: Operation[] }>('GET', `${gw.url}/v1/operations`, undefined, asScoped)
    expect(theirs.body.data).toEqual([])
  })

  it('cancels a queued operation, which then never runs', async () => {
    const queued = await call<Operation>('POST', `${gw.url}/v1/messages`, note(9), { prefer: 'respond-async' })
    const canceled = await call<Operation>('DELETE', `${gw.url}/v1/operations/${queued.body.id}`)
    expect(canceled.status).toBe(200)
    expect(canceled.body).toMatchObject({ state: 'canceled', position: null })
    expect(canceled.body.finishedAt).not.toBeNull()
    const list = await call<{ data: Operation[] }>('GET', `${gw.url}/v1/operations?state=canceled`)
    expect(list.body.data.map((o) => o.id)).toEqual([queued.body.id])
  })

  it('refuses a connection past its bound, then a key past its own, with Retry-After', async () => {
    const queue = (body: unknown, headers: Record<string, string> = {}) =>
      call<{ code: string; detail: string }>('POST', `${gw.url}/v1/messages`, body, {
        prefer: 'respond-async',
        ...headers,
      })
    // Three are queued for batchbook already (the canceled one no longer counts): two more fill it.
    for (let i = 10; i < 12; i++) expect((await queue(note(i))).status).toBe(202)
    const connectionFull = await queue(note(12))
    expect(connectionFull.status).toBe(429)
    expect(connectionFull.body.code).toBe('operation_queue_full')
    expect(connectionFull.body.detail).toMatch(/The connection batchbook/)
    expect(Number(connectionFull.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    // Without the preference the write is not queued, so the bound does not apply.
    expect((await call('POST', `${gw.url}/v1/messages`, note(13))).status).toBe(201)
    // The key's sixth goes to snappy; its seventh is refused, while another key may still queue.
    expect((await queue(snappyTicket('sixth'))).status).toBe(202)
    const keyFull = await queue(snappyTicket('seventh'))
    expect(keyFull.status).toBe(429)
    expect(keyFull.body.detail).toMatch(/This API key/)
    expect((await queue(snappyTicket('theirs'), asScoped)).status).toBe(202)
  })

  it('shows each queue in /v1/sources and in metrics', async () => {
    await gw.clock!.pass(30_000)
    const sources = await call<{ data: Source[] }>('GET', `${gw.url}/v1/sources`)
    const batchbook = sources.body.data.find((s) => s.name === 'batchbook')
    expect(batchbook?.operations).toMatchObject({ queued: 5, running: 0 })
    expect(batchbook?.operations?.oldestQueuedSeconds).toBeGreaterThanOrEqual(30)
    expect(sources.body.data.find((s) => s.name === 'snappy')?.operations).toMatchObject({ queued: 2, running: 0 })
    const metrics = await send(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${TEST_KEY}` } })
    expect(metrics.text).toContain('switchboard_operations{connection="batchbook",state="queued"} 5')
    expect(metrics.text).toMatch(/switchboard_operations_oldest_queued_seconds\{connection="batchbook"\} (3\d|[4-9]\d)/)
  })
})

describe('a queue worked by the gateway', () => {
  let gw: RunningGateway

  beforeAll(async () => {
    gw = await startStoreGateway()
  })
  afterAll(async () => gw.close())

  async function settled(id: string): Promise<Operation> {
    let operation: Operation | undefined
    await gw.clock!.until(async () => {
      operation = (await call<Operation>('GET', `${gw.url}/v1/operations/${id}`)).body
      return operation.state !== 'queued' && operation.state !== 'running'
    }, 120_000)
    return operation as Operation
  }

  it('answers what the write answered when it ran within `Prefer: wait`', async () => {
    const res = await call<{ id: string; subject: string }>('POST', `${gw.url}/v1/messages`, note(1), {
      prefer: 'wait=30',
    })
    expect(res.status).toBe(201)
    expect(res.body.subject).toBe('Later 1')
    expect(res.headers.location).toBe(`/v1/messages/${res.body.id}`)
  })

  it('turns into 202 when the wait runs out first', async () => {
    // Five queued ahead: the sixth cannot run within one second.
    for (let i = 0; i < 5; i++) await call('POST', `${gw.url}/v1/messages`, note(i), { prefer: 'respond-async' })
    const res = await call<Operation>('POST', `${gw.url}/v1/messages`, note(6), { prefer: 'wait=1' })
    expect(res.status).toBe(202)
    expect(res.headers['preference-applied']).toBe('wait=1')
    expect(res.body.state).toMatch(/queued|running/)
    expect((await settled(res.body.id)).state).toBe('succeeded')
  })

  it('queues a Snappy write on its own connection, and gives the problem of a write that failed', async () => {
    const opened = await call<Operation>('POST', `${gw.url}/v1/messages`, snappyTicket('Queued ticket'), {
      prefer: 'respond-async',
    })
    expect(opened.body.connection).toBe('snappy')
    const done = await settled(opened.body.id)
    expect(done).toMatchObject({ state: 'succeeded', result: { status: 201 } })
    const read = await call<{ body: { text: string } }>('GET', `${gw.url}${done.result?.location}`)
    expect(read.status).toBe(200)
    expect(read.body.body.text).toBe('Queued for later.')

    // The upstream refuses the next create: the operation fails with the problem the write answered.
    gw.sandbox!.batchbook.simulator.faults.inject({
      type: 'status',
      status: 422,
      method: 'POST',
      pathPrefix: '/service/communications.xml',
      times: 1,
    })
    const refused = await call<Operation>('POST', `${gw.url}/v1/messages`, note(30), { prefer: 'respond-async' })
    expect(refused.status).toBe(202)
    const failed = await settled(refused.body.id)
    expect(failed.state, JSON.stringify(failed)).toBe('failed')
    expect(failed.problem).toMatchObject({ status: 422, code: 'upstream_rejected' })
    const events = await call<{ data: Array<{ type: string; data: { object: Operation } }> }>(
      'GET',
      `${gw.url}/v1/events?types=operation.failed`,
    )
    expect(events.body.data.map((e) => e.data.object.id)).toEqual([refused.body.id])
  })

  it('cannot cancel an operation that has run', async () => {
    const queued = await call<Operation>('POST', `${gw.url}/v1/messages`, note(20), { prefer: 'respond-async' })
    await settled(queued.body.id)
    const res = await call<{ code: string }>('DELETE', `${gw.url}/v1/operations/${queued.body.id}`)
    expect(res.status).toBe(409)
    expect(res.body.code).toBe('operation_not_cancelable')
  })
})

describe('without the store', () => {
  it('ignores the preference: the write is made as it would be without it', async () => {
    const gw = await startGateway({ config: testConfig(), withSandbox: true })
    try {
      const res = await call('POST', `${gw.url}/v1/messages`, note(1), { prefer: 'respond-async' })
      expect(res.status).toBe(201)
      expect(res.headers['preference-applied']).toBeUndefined()
    } finally {
      await gw.close()
    }
  })
})
