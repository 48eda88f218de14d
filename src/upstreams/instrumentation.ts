/**
 * What the engine reports, published on `node:diagnostics_channel` channels so that metrics
 * (and tests) subscribe without the engine knowing about them. Publishing to a channel with
 * no subscriber costs next to nothing.
 */
import diagnostics from 'node:diagnostics_channel'
import type { CircuitState } from './breaker.js'

export interface UpstreamCallEvent {
  connection: string
  source: string
  method: string
  /** Upstream HTTP status, or null when none arrived. */
  status: number | null
  /** ok, error (answered non-2xx), failure (no usable answer), refused (budget or breaker). */
  outcome: 'ok' | 'error' | 'failure'
  durationMs: number
  attempt: number
}

export interface CacheEvent {
  connection: string
  result: 'hit' | 'miss' | 'stale' | 'coalesced'
}

export interface QueueWaitEvent {
  connection: string
  lane: 'committed' | 'client' | 'background'
  /** The API key's name for client work, '-' otherwise. */
  party: string
  waitMs: number
  granted: boolean
}

export interface BreakerEvent {
  connection: string
  from: CircuitState
  to: CircuitState
}

/**
 * What the work done for one request did with a connection, for whoever keeps per-request
 * accounts (the gateway's request context): it reached for it, sent a write that may have
 * reached the upstream, had a write accepted, or read (and how the read was served).
 */
export type UseEvent =
  | { connection: string; use: 'call' | 'write' | 'committed' }
  | { connection: string; use: 'read'; result: 'HIT' | 'MISS' | 'STALE' }

/** A step after an accepted write that did not complete: the write's 2xx answer names it. */
export interface WarningEvent {
  source: string
  connection: string
  step: string
  code: string
  detail: string
}

export const channels = {
  use: diagnostics.channel('switchboard:upstream:use'),
  warning: diagnostics.channel('switchboard:upstream:warning'),
  upstreamCall: diagnostics.channel('switchboard:upstream:call'),
  cache: diagnostics.channel('switchboard:upstream:cache'),
  queueWait: diagnostics.channel('switchboard:upstream:queue-wait'),
  breaker: diagnostics.channel('switchboard:upstream:breaker'),
}

export function publish<T extends object>(channel: diagnostics.Channel, event: T): void {
  if (channel.hasSubscribers) channel.publish(event)
}
