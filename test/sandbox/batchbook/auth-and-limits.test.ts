import { clockReading } from '../../helpers/virtual-clock.js'
import { describe, expect, it } from 'vitest'
import { call, OTHER_TOKEN, startSimulator, TOKEN } from './helpers.js'

describe('BatchBook simulator: auth', () => {
  it('answers 401 with a Basic challenge without credentials', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'GET', '/service/communications.xml', { credentials: null })
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe('Basic realm="Application"')
  })

  it('answers 401 for an unknown token', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'GET', '/service/communications.xml', { credentials: ['not-a-token', 'x'] })
    expect(res.status).toBe(401)
  })

  it('accepts the token with an empty password, as the Ruby gem sends it', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'GET', '/service/communications.xml', { credentials: [TOKEN, ''] })
    expect(res.status).toBe(200)
  })

  it('answers 404 for an unknown route', async () => {
    const { origin } = await startSimulator()
    expect((await call(origin, 'GET', '/service/contacts/1.xml')).status).toBe(404)
  })
})

describe('BatchBook simulator: rate limit', () => {
  it('answers a second request within the second with 503 and Retry-After, counting the violation', async () => {
    const clock = { now: 1_000_000 }
    // `limit: undefined` keeps the default, documented limit of one request per second.
    const { sim, origin } = await startSimulator({ limit: undefined, clock: clockReading(() => clock.now) })
    expect((await call(origin, 'GET', '/service/communications.xml')).status).toBe(200)
    const second = await call(origin, 'GET', '/service/communications.xml')
    expect(second.status).toBe(503)
    expect(second.headers['retry-after']).toBe('1')
    expect(sim.stats.limitViolations).toBe(1)
  })

  it('accepts requests spaced by the window', async () => {
    const clock = { now: 1_000_000 }
    // `limit: undefined` keeps the default, documented limit of one request per second.
    const { sim, origin } = await startSimulator({ limit: undefined, clock: clockReading(() => clock.now) })
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      statuses.push((await call(origin, 'GET', '/service/communications.xml')).status)
      clock.now += 1000
    }
    expect(statuses).toEqual([200, 200, 200])
    expect(sim.stats.limitViolations).toBe(0)
  })

  it('counts the limit per token', async () => {
    const clock = { now: 1_000_000 }
    const { origin } = await startSimulator({ limit: undefined, clock: clockReading(() => clock.now) })
    expect((await call(origin, 'GET', '/service/communications.xml')).status).toBe(200)
    expect((await call(origin, 'GET', '/service/communications.xml', { credentials: [OTHER_TOKEN, 'x'] })).status).toBe(
      200,
    )
  })
})

describe('BatchBook simulator: frame integration', () => {
  it('starts empty with seed: false', async () => {
    const { origin } = await startSimulator({ seed: false })
    const res = await call(origin, 'GET', '/service/communications.xml')
    expect(res.text).toContain('<communications type="array"/>')
  })

  it('cuts a list answer mid-body on a reset fault', async () => {
    const { sim, origin } = await startSimulator()
    sim.faults.inject({ type: 'reset' })
    await expect(call(origin, 'GET', '/service/communications.xml')).rejects.toThrow()
  })

  it('records requests by route for the control API', async () => {
    const { sim, origin } = await startSimulator()
    await call(origin, 'GET', '/service/communications/69522.xml')
    expect(sim.stats.count('GET /service/communications/:id(^\\d+).xml')).toBe(1)
  })
})
