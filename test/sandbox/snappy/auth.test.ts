import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { basicAuthHeader } from '../../../src/sandbox/frame/basic-auth.js'
import { KEY, startSnappy, type Running } from './helpers.js'

let s: Running
beforeEach(async () => {
  s = await startSnappy()
})
afterEach(async () => {
  await s.sim.close()
})

describe('snappy simulator authentication', () => {
  it('answers 401 with a Basic challenge when no credentials are sent', async () => {
    const res = await s.api('GET', '/accounts', { key: null })
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe('Basic')
  })

  it('answers 401 for a key it does not know', async () => {
    const res = await s.api('GET', '/accounts', { key: 'f'.repeat(64) })
    expect(res.status).toBe(401)
  })

  it('accepts a known key with any password', async () => {
    const res = await request(`${s.origin}/api/v1/accounts`, {
      headers: { authorization: basicAuthHeader(KEY, 'anything at all') },
    })
    expect(res.statusCode).toBe(200)
    await res.body.dump()
  })

  it('authenticates before routing, so an unknown path without credentials is 401', async () => {
    const res = await s.api('GET', '/no/such/route', { key: null })
    expect(res.status).toBe(401)
  })

  it('leaves the control API open and uncounted', async () => {
    const res = await request(`${s.origin}/__sandbox/stats`)
    expect(res.statusCode).toBe(200)
    expect(((await res.body.json()) as { requests: number }).requests).toBe(0)
  })
})
