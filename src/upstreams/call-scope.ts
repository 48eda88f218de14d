/**
 * Who the engine calls for, as the layer above tells it (the gateway: from its request
 * context): the rate-budget lane and party of the work, the request it belongs to (calls of
 * one request under way are not refused), and the trace its upstream calls join. The engine
 * asks through a function it is given, so it depends on no request machinery of its own.
 */
import type { Lane } from './budget/scheduler.js'

export interface CallScope {
  lane: Lane
  party: string | undefined
  request: object
  /** The `traceparent` header for one upstream call of this work (a span of its own). */
  traceparent(): string
  /**
   * Called before each of its upstream writes is admitted, and awaited: the layer above makes
   * durable that a write is about to leave (an Idempotency-Key's record), and throws when it
   * cannot, so that the write is not sent.
   */
  beforeWrite?(): Promise<void>
}

export type ScopeOf = () => CallScope | undefined
