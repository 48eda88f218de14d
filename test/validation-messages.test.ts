/**
 * Validation problems a person can act on: every offending field, as a path and a JSON
 * pointer, in a plain sentence, with the values a closed field takes; never the validator's
 * own words or a raw regular expression.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningGateway, startGateway } from './helpers/gateway.js'
import { call } from './helpers/messages.js'

interface Problem {
  code: string
  detail: string
  errors: Array<{ path: string; pointer: string; message: string; allowed?: string[] }>
}

let gw: RunningGateway
beforeAll(async () => {
  gw = await startGateway({ withSandbox: true })
})
afterAll(async () => gw.close())

const create = (body: unknown) => call<Problem>('POST', `${gw.url}/v1/messages`, body)

describe('validation problems', () => {
  it('names a kind that does not exist, with every kind there is', async () => {
    const res = await create({ source: 'batchbook', kind: 'nope' })
    expect(res.status).toBe(400)
    expect(res.body.errors).toContainEqual({
      path: 'body/kind',
      pointer: '/body/kind',
      message: 'must be one of email, note, phone, chat',
      allowed: ['email', 'note', 'phone', 'chat'],
    })
    expect(res.body.errors).toContainEqual(expect.objectContaining({ path: 'body/body', message: 'is required' }))
    expect(res.body.detail).toMatch(/^body\/\w+ .+ \(and \d+ more: see errors\)$/)
  })

  it('asks for the source of an empty body, and says which sources there are', async () => {
    const res = await create({})
    expect(res.body.errors).toEqual([
      {
        path: 'body/source',
        pointer: '/body/source',
        message: 'is required, to say which kind this is: batchbook, snappy',
        allowed: ['batchbook', 'snappy'],
      },
    ])
  })

  it('lists the sources for one it does not know', async () => {
    const res = await create({ source: 'zendesk' })
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: 'body/source', allowed: ['batchbook', 'snappy'] }),
    ])
  })

  it('names an extra property, and the fields there are', async () => {
    const res = await create({ source: 'batchbook', kind: 'note', body: 'x', colour: 'red' })
    const extra = res.body.errors.find((e) => e.path === 'body/colour')
    expect(extra?.message).toMatch(/^is not a field here; the fields are .*subject/)
    expect(extra?.allowed).toContain('participants')
  })

  it('says what a query parameter should look like, without a regular expression', async () => {
    const res = await call<Problem>('GET', `${gw.url}/v1/events?types=Message-Created`)
    const [error] = res.body.errors
    expect(error?.path).toBe('querystring/types')
    expect(error?.message).not.toMatch(/\^|\\\\|\[a-z/)
    expect(error?.message).toMatch(/^does not have the form this field takes \(Only these event types/)
  })
})
