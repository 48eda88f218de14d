/**
 * Who the engine calls for, as the layer above tells it (the gateway: from its request
 * context): the rate-budget lane and party of the work, the request it belongs to (calls of
 * one request under way are not refused), and the trace its upstream calls join. The engine
 * asks through a function it is given, so it depends on no request machinery of its own, and
 * tells the scope directly what the work did (a write accepted, a step that failed): what the
 * answer says must not depend on anyone following the diagnostics channels, which are for
 * metrics and logs.
 */
import type { Lane } from './budget/scheduler.js'
import type { UseEvent, WarningEvent } from './instrumentation.js'

export interface CallScope {
  lane: Lane
  party: string | undefined
  request: object
  /** The `traceparent` header for one upstream call of this work (a span of its own). */
  traceparent(): string
  /**
   * Called before each of its upstream calls (a read the cache cannot answer, a write, a
   * stream, work admitted ahead), before anything is spent; throws to stop the work there (the
   * gateway: a write the client asked to run later is queued instead, at its first call).
   */
  beforeCall?(connection: string): void
  /**
   * Called before each of its upstream writes is admitted, and awaited: the layer above makes
   * durable that a write is about to leave (an Idempotency-Key's record), and throws when it
   * cannot, so that the write is not sent.
   */
  beforeWrite?(): Promise<void>
  /** An upstream accepted one of its writes: the rest of its calls finish that write. */
  committed?(): void
  /** The step of an accepted write now under way (`participants`, `tags`, `read-back`). */
  step?(name: string): void
  /** Where the record an accepted write made can be read (a Switchboard path), once known. */
  written?(location: string): void
  /** One of its calls left (`1`) or ended (`-1`): between them it waits for the upstream, not for budget. */
  calling?(delta: 1 | -1): void
  /** What its work did with a connection (reached for it, wrote, had a write accepted, read). */
  used?(event: UseEvent): void
  /** One of its upstream calls ended after `durationMs`. */
  called?(durationMs: number): void
  /** A step after its accepted write did not complete: the write's 2xx answer names it. */
  warn?(warning: WarningEvent): void
}

export type ScopeOf = () => CallScope | undefined
