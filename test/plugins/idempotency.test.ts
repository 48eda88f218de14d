import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FormData, request } from 'undici'
import { encodeId } from '../../src/ids.js'
import { FAST_LIMITS, TEST_KEY, getJson, startGateway, testConfig, type RunningGateway } from '../helpers/gateway.js'
import { type Answer, WCL, call, snappyId } from '../upstreams/snappy/e2e.js'

let gw: RunningGateway
const bb = () => gw.sandbox!.batchbook.simulator
const creates = () => bb().stats.count('POST /service/communications.xml')

async function post(body: unknown, key?: string, apiKey = TEST_KEY) {
  const res = await request(`${gw.url}/v1/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    body: JSON.stringify(body),
  })
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Record<string, unknown> }
}

const note = (text: string) => ({ source: 'batchbook', kind: 'note', subject: 'Idempotent', body: text })

const OTHER_KEY = 'sk_other_0123456789abcdef'

beforeAll(async () => {
  const config = testConfig()
  config.apiKeys.push({ name: 'other', secret: OTHER_KEY, connections: null })
  gw = await startGateway({ withSandbox: true, limits: FAST_LIMITS, config })
})
afterAll(async () => gw.close())

describe('Idempotency-Key on POST /v1/messages', () => {
  it('answers a repeat with the first answer and writes once', async () => {
    const before = creates()
    const first = await post(note('once'), 'key-1')
    const second = await post(note('once'), 'key-1')
    expect(first.status).toBe(201)
    expect(second.status).toBe(201)
    expect(second.body).toEqual(first.body)
    expect(second.headers.location).toBe(first.headers.location)
    expect(second.headers['idempotent-replayed']).toBe('true')
    expect(creates()).toBe(before + 1)
  })

  it('answers concurrent repeats with one write: the rest replay or wait their turn', async () => {
    const before = creates()
    const answers = await Promise.all([1, 2, 3, 4].map(() => post(note('concurrent'), 'key-2')))
    expect(creates()).toBe(before + 1)
    for (const answer of answers) expect([201, 409]).toContain(answer.status)
    expect(answers.filter((a) => a.status === 201).length).toBeGreaterThanOrEqual(1)
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'idempotency_key_in_use')).toBe(true)
  })

  it('answers 422 when the key comes back with another body', async () => {
    await post(note('first body'), 'key-3')
    const res = await post(note('second body'), 'key-3')
    expect(res).toMatchObject({ status: 422, body: { code: 'idempotency_key_reused' } })
  })

  it('frees the key when the request failed before any upstream write', async () => {
    const invalid = await post({ source: 'batchbook', body: 'no kind' }, 'key-4')
    expect(invalid.status).toBe(400)
    const valid = await post(note('after a mistake'), 'key-4')
    expect(valid.status).toBe(201)
  })

  it('keeps a failed write, so a retry cannot write twice', async () => {
    bb().faults.inject({ type: 'status', status: 500, method: 'POST', pathPrefix: '/service/communications.xml' })
    const failed = await post(note('maybe written'), 'key-5')
    expect(failed.status).toBe(502)
    const before = creates()
    const replay = await post(note('maybe written'), 'key-5')
    expect(replay).toMatchObject({ status: 502, headers: { 'idempotent-replayed': 'true' } })
    expect(creates()).toBe(before)
  })

  it('keeps keys of different callers apart', async () => {
    const mine = await post(note('mine'), 'key-6')
    const theirs = await post(note('theirs'), 'key-6', OTHER_KEY)
    expect(mine.status).toBe(201)
    expect(theirs.status).toBe(201)
    expect(theirs.body.id).not.toBe(mine.body.id)
  })

  it('refuses a malformed key', async () => {
    expect(await post(note('x'), 'bad key with spaces')).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    })
  })
})

/** Requests a simulator saw on `route` (`METHOD /route/pattern`, as the simulator names its routes). */
function upstreamCount(gateway: RunningGateway, source: 'batchbook' | 'snappy', route: string): number {
  return gateway.sandbox![source].simulator.stats.count(route)
}

/**
 * A create refused before any upstream write (`refusal`), retried with the same key after its
 * Retry-After: the retry is not a replay, and it writes exactly once.
 */
async function refusedThenWrittenOnce(
  send: () => Promise<Answer>,
  writes: () => number,
  refusal: { status: number; code: string },
  gateway: RunningGateway,
): Promise<void> {
  const before = writes()
  const refused = await send()
  expect(refused).toMatchObject({ status: refusal.status, body: { code: refusal.code } })
  expect(writes()).toBe(before)
  await gateway.app.clock.sleep(Number(refused.headers['retry-after']) * 1000)
  const retried = await send()
  expect(retried.status).toBe(201)
  expect(retried.headers['idempotent-replayed']).toBeUndefined()
  expect(writes()).toBe(before + 1)
}

describe('Idempotency-Key when the budget refuses before any upstream write', () => {
  let tight: RunningGateway
  const communications = () => upstreamCount(tight, 'batchbook', 'POST /service/communications.xml')

  beforeAll(async () => {
    // The documented BatchBook limit (1 request/s), and no queueing: a call that finds the
    // second's request spent is refused at once with 429.
    const defaults = testConfig()
    tight = await startGateway({
      withSandbox: true,
      config: testConfig({ upstream: { ...defaults.upstream, maxQueueWaitMs: 0 } }),
    })
  })
  afterAll(async () => tight.close())

  it('does not keep a 429: the retry with the same key writes once and answers 201', async () => {
    // A read spends this second's BatchBook request.
    expect((await getJson(`${tight.url}/v1/messages?source=batchbook&limit=1`)).status).toBe(200)
    const send = () =>
      call(tight, 'POST', '/v1/messages', {
        json: note('refused, then written'),
        headers: { 'idempotency-key': 'budget-1' },
      })

    await refusedThenWrittenOnce(send, communications, { status: 429, code: 'rate_limited' }, tight)
  })
})

describe('Idempotency-Key when an open circuit refuses before any upstream write', () => {
  let paused: RunningGateway
  const communications = () => upstreamCount(paused, 'batchbook', 'POST /service/communications.xml')

  beforeAll(async () => {
    paused = await startGateway({
      withSandbox: true,
      config: testConfig({ breaker: { failureThreshold: 1, cooldownMs: 1_000 } }),
    })
  })
  afterAll(async () => paused.close())

  it('does not keep a 503: the retry with the same key after the cooldown writes once', async () => {
    paused.sandbox!.batchbook.simulator.faults.inject({
      type: 'status',
      status: 500,
      method: 'GET',
      pathPrefix: '/service/communications.xml',
    })
    // One failed read opens the circuit.
    expect((await getJson(`${paused.url}/v1/messages?source=batchbook&limit=1`)).status).toBe(502)
    const send = () =>
      call(paused, 'POST', '/v1/messages', {
        json: note('paused, then written'),
        headers: { 'idempotency-key': 'circuit-1' },
      })

    await refusedThenWrittenOnce(send, communications, { status: 503, code: 'circuit_open' }, paused)
  })
})

describe('Idempotency-Key on every create route (documented limits)', () => {
  let gw2: RunningGateway
  let message: string
  let faq: string
  let topic: string
  let post: string
  const bbMessage = (id: number) =>
    encodeId('message', { source: 'batchbook', connection: 'batchbook', parts: [String(id)] })
  const bbContact = (id: number) =>
    encodeId('contact', { source: 'batchbook', connection: 'batchbook', parts: [String(id)] })
  const keyed = (key: string) => ({ 'idempotency-key': key })

  beforeAll(async () => {
    gw2 = await startGateway({ withSandbox: true })
    const { batchbook, snappy } = gw2.sandbox!
    message = bbMessage(
      batchbook.simulator.store.createCommunication({ subject: 'Idempotent parts', body: 'Notes', ctype: 'Note' }).id,
    )
    const faqRecord = snappy.simulator.store.faqs.faqsOf(3249)[0]!
    faq = snappyId('faq', '3249', String(faqRecord.id))
    topic = snappyId(
      'faqTopic',
      '3249',
      String(faqRecord.id),
      String(snappy.simulator.store.faqs.topicsOf(faqRecord.id)[0]!.id),
    )
    post = snappyId(
      'wallPost',
      '3249',
      String(snappy.simulator.store.wall.posts.filter((p) => p.accountId === 3249)[0]!.id),
    )
  })
  afterAll(async () => gw2.close())

  it('replays the first answer with its Location and says it is a replay', async () => {
    const first = await call(gw2, 'POST', `/v1/accounts/${WCL}/wall`, {
      json: { content: 'Stand-up moved to 10:00' },
      headers: keyed('loc-1'),
    })
    const replay = await call(gw2, 'POST', `/v1/accounts/${WCL}/wall`, {
      json: { content: 'Stand-up moved to 10:00' },
      headers: keyed('loc-1'),
    })
    expect(first.status).toBe(201)
    expect(first.headers.location).toBe(`/v1/wall-posts/${first.body.id as string}`)
    expect(replay).toMatchObject({
      status: 201,
      body: first.body,
      headers: { location: first.headers.location, 'idempotent-replayed': 'true' },
    })
  })

  it('replays a kept failure with its Retry-After', async () => {
    gw2.sandbox!.snappy.simulator.faults.inject({
      type: 'status',
      status: 503,
      retryAfter: 1,
      method: 'POST',
      pathPrefix: '/api/v1/account/3249/faqs',
    })
    const first = await call(gw2, 'POST', `/v1/accounts/${WCL}/faqs`, {
      json: { title: 'Maybe created' },
      headers: keyed('retry-1'),
    })
    expect(first).toMatchObject({ status: 503, headers: { 'retry-after': '1' } })
    const replay = await call(gw2, 'POST', `/v1/accounts/${WCL}/faqs`, {
      json: { title: 'Maybe created' },
      headers: keyed('retry-1'),
    })
    expect(replay).toMatchObject({
      status: 503,
      body: first.body,
      headers: { 'retry-after': '1', 'idempotent-replayed': 'true' },
    })
  })

  interface Case {
    route: string
    source: 'batchbook' | 'snappy'
    /** The upstream write, as the simulator names its route. */
    upstream: string
    status: number
    send: (
      key: string,
    ) => Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: unknown }>
  }
  const postJson = (path: string, body: unknown, key: string) =>
    call(gw2, 'POST', path, { json: body, headers: keyed(key) })
  const CASES: Case[] = [
    {
      route: 'POST /v1/messages/{id}/comments',
      source: 'batchbook',
      upstream: 'POST /service/communications/:id(^\\d+)/comments.xml',
      status: 201,
      send: (key) => postJson(`/v1/messages/${message}/comments`, { body: 'Called back.' }, key),
    },
    {
      route: 'POST /v1/messages/{id}/participants',
      source: 'batchbook',
      upstream: 'PUT /service/communications/:id(^\\d+)/add_participant.xml',
      status: 200,
      send: (key) => postJson(`/v1/messages/${message}/participants`, { contactId: bbContact(7), role: 'to' }, key),
    },
    {
      route: 'POST /v1/accounts/{accountId}/documents',
      source: 'snappy',
      upstream: 'POST /api/v1/account/:id/document',
      status: 201,
      // A new form each time, so each send has its own multipart boundary, as a client's retry would.
      send: async (key) => {
        const form = new FormData()
        form.append('document', new Blob(['name,email\nAna,ana@example.com\n'], { type: 'text/csv' }), 'contacts.csv')
        const res = await request(`${gw2.url}/v1/accounts/${WCL}/documents`, {
          method: 'POST',
          body: form,
          headers: { authorization: `Bearer ${TEST_KEY}`, ...keyed(key) },
        })
        return { status: res.statusCode, headers: res.headers, body: await res.body.json() }
      },
    },
    {
      route: 'POST /v1/accounts/{accountId}/wall',
      source: 'snappy',
      upstream: 'POST /api/v1/account/:id/wall',
      status: 201,
      send: (key) => postJson(`/v1/accounts/${WCL}/wall`, { content: 'Who has the Acme call?' }, key),
    },
    {
      route: 'POST /v1/wall-posts/{postId}/comments',
      source: 'snappy',
      upstream: 'POST /api/v1/account/:id/wall/:post/comment',
      status: 201,
      send: (key) => postJson(`/v1/wall-posts/${post}/comments`, { content: 'I do.' }, key),
    },
    {
      route: 'POST /v1/accounts/{accountId}/faqs',
      source: 'snappy',
      upstream: 'POST /api/v1/account/:id/faqs',
      status: 201,
      send: (key) => postJson(`/v1/accounts/${WCL}/faqs`, { title: 'Partner help' }, key),
    },
    {
      route: 'POST /v1/faqs/{faqId}/topics',
      source: 'snappy',
      upstream: 'POST /api/v1/account/:id/faqs/:faq/topics',
      status: 201,
      send: (key) => postJson(`/v1/faqs/${faq}/topics`, { name: 'Shipping' }, key),
    },
    {
      route: 'POST /v1/faq-topics/{topicId}/questions',
      source: 'snappy',
      upstream: 'POST /api/v1/account/:id/faqs/:faq/topics/:topic/questions',
      status: 201,
      send: (key) =>
        postJson(
          `/v1/faq-topics/${topic}/questions`,
          { question: 'Do you ship abroad?', answer: 'Yes, worldwide.' },
          key,
        ),
    },
  ]

  it.each(CASES)(
    '$route replays its first answer and writes upstream once',
    async ({ route, source, upstream, status, send }) => {
      const before = upstreamCount(gw2, source, upstream)
      const key = `once ${route}`.replace(/\W+/g, '-')
      const first = await send(key)
      const second = await send(key)
      expect(first.status).toBe(status)
      expect(second.status).toBe(status)
      expect(second.body).toEqual(first.body)
      expect(second.headers['idempotent-replayed']).toBe('true')
      expect(upstreamCount(gw2, source, upstream)).toBe(before + 1)
    },
  )

  it('answers 422 when the key comes back with another body on a new create route', async () => {
    const first = await call(gw2, 'POST', `/v1/faqs/${faq}/topics`, {
      json: { name: 'Returns' },
      headers: keyed('reused-1'),
    })
    expect(first.status).toBe(201)
    const before = upstreamCount(gw2, 'snappy', 'POST /api/v1/account/:id/faqs/:faq/topics')
    const other = await call(gw2, 'POST', `/v1/faqs/${faq}/topics`, {
      json: { name: 'Refunds' },
      headers: keyed('reused-1'),
    })
    expect(other).toMatchObject({ status: 422, body: { code: 'idempotency_key_reused' } })
    expect(upstreamCount(gw2, 'snappy', 'POST /api/v1/account/:id/faqs/:faq/topics')).toBe(before)
  })

  it('answers 422 when the key comes back with an upload of another length', async () => {
    const upload = async (text: string) => {
      const form = new FormData()
      form.append('document', new Blob([text], { type: 'text/plain' }), 'notes.txt')
      const res = await request(`${gw2.url}/v1/accounts/${WCL}/documents`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${TEST_KEY}`, ...keyed('upload-1') },
      })
      return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> }
    }
    expect((await upload('first draft')).status).toBe(201)
    const before = upstreamCount(gw2, 'snappy', 'POST /api/v1/account/:id/document')
    expect(await upload('second, longer draft')).toMatchObject({
      status: 422,
      body: { code: 'idempotency_key_reused' },
    })
    expect(upstreamCount(gw2, 'snappy', 'POST /api/v1/account/:id/document')).toBe(before)
  })
})
