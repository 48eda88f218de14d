import { describe, expect, it } from 'vitest'
import { CircuitBreaker, type CircuitState } from '../../src/upstreams/breaker.js'

function breaker() {
  let now = 0
  const transitions: string[] = []
  const b = new CircuitBreaker({
    failureThreshold: 3,
    cooldownMs: 1000,
    now: () => now,
    onTransition: (from: CircuitState, to: CircuitState) => transitions.push(`${from}->${to}`),
  })
  return { b, transitions, advance: (ms: number) => (now += ms) }
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and fails fast', () => {
    const { b, transitions } = breaker()
    b.failure()
    b.failure()
    expect(b.state).toBe('closed')
    b.failure()
    expect(b.state).toBe('open')
    expect(b.admit()).toEqual({ allowed: false, retryAfterMs: 1000 })
    expect(transitions).toEqual(['closed->open'])
  })

  it('a success resets the count of consecutive failures', () => {
    const { b } = breaker()
    b.failure()
    b.failure()
    b.success()
    b.failure()
    b.failure()
    expect(b.state).toBe('closed')
  })

  it('lets one probe through after the cool-down and closes when it succeeds', () => {
    const { b, transitions, advance } = breaker()
    for (let i = 0; i < 3; i++) b.failure()
    advance(1000)
    expect(b.state).toBe('half-open')
    expect(b.admit()).toEqual({ allowed: true, probe: true })
    expect(b.admit().allowed).toBe(false)
    b.success()
    expect(b.state).toBe('closed')
    expect(transitions).toEqual(['closed->open', 'open->half-open', 'half-open->closed'])
  })

  it('opens again for another cool-down when the probe fails', () => {
    const { b, advance } = breaker()
    for (let i = 0; i < 3; i++) b.failure()
    advance(1000)
    b.admit()
    b.failure()
    expect(b.state).toBe('open')
    advance(999)
    expect(b.admit().allowed).toBe(false)
    advance(1)
    expect(b.admit()).toEqual({ allowed: true, probe: true })
  })

  it('frees the probe slot when an admitted call ends without a verdict', () => {
    const { b, advance } = breaker()
    for (let i = 0; i < 3; i++) b.failure()
    advance(1000)
    b.admit()
    b.release()
    expect(b.admit()).toEqual({ allowed: true, probe: true })
  })
})
