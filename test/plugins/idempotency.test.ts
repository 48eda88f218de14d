import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { FAST_LIMITS, TEST_KEY, startGateway, testConfig, type RunningGateway } from '../helpers/gateway.js'

let gw: RunningGateway
const bb = () => gw.sandbox!.batchbook.simulator
const creates = () => bb().stats.count('POST /service/communications.xml')

async function post(body: unknown, key?: string, apiKey = TEST_KEY) {
  const res = await request(`${gw.url}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
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
    expect(await post(note('x'), 'bad key with spaces')).toMatchObject({ status: 400, body: { code: 'validation_failed' } })
  })
})
