import diagnostics from 'node:diagnostics_channel'
import { afterEach, describe, expect, it } from 'vitest'
import type { BreakerEvent, QueueWaitEvent, UpstreamCallEvent } from '../../src/upstreams/instrumentation.js'
import { type Engine, json, startEngine } from '../helpers/engine.js'

let engine: Engine | undefined
const subscriptions: Array<[string, (message: unknown) => void]> = []

function record<T>(name: string): T[] {
  const events: T[] = []
  const listener = (message: unknown) => events.push(message as T)
  diagnostics.subscribe(name, listener)
  subscriptions.push([name, listener])
  return events
}

afterEach(async () => {
  for (const [name, listener] of subscriptions.splice(0)) diagnostics.unsubscribe(name, listener)
  await engine?.close()
  engine = undefined
})

describe('engine instrumentation', () => {
  it('reports each upstream attempt with its status, outcome and timing, and the queue wait', async () => {
    engine = await startEngine()
    const calls = record<UpstreamCallEvent>('switchboard:upstream:call')
    const waits = record<QueueWaitEvent>('switchboard:upstream:queue-wait')
    engine.sandbox.snappy.simulator.faults.inject({ type: 'status', status: 503 })
    await engine.snappy.read({ method: 'GET', path: '/accounts' }, { kind: 'list', tags: [], decode: json })
    expect(calls.map((c) => [c.connection, c.source, c.method, c.status, c.outcome, c.attempt])).toEqual([
      ['snappy', 'snappy', 'GET', 503, 'error', 1],
      ['snappy', 'snappy', 'GET', 200, 'ok', 2],
    ])
    expect(calls.every((c) => c.durationMs >= 0)).toBe(true)
    expect(waits.map((w) => [w.connection, w.granted])).toEqual([
      ['snappy', true],
      ['snappy', true],
    ])
  })

  it('reports breaker transitions', async () => {
    engine = await startEngine((c) => ({ ...c, breaker: { failureThreshold: 1, cooldownMs: 60_000 } }))
    const transitions = record<BreakerEvent>('switchboard:upstream:breaker')
    engine.sandbox.snappy.simulator.faults.inject({ type: 'status', status: 500 })
    await expect(
      engine.snappy.read({ method: 'GET', path: '/accounts' }, { kind: 'list', tags: [], decode: json }),
    ).rejects.toThrow()
    expect(transitions).toEqual([{ connection: 'snappy', from: 'closed', to: 'open' }])
  })
})
