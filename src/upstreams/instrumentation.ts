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

export const channels = {
  upstreamCall: diagnostics.channel('switchboard:upstream:call'),
  cache: diagnostics.channel('switchboard:upstream:cache'),
  queueWait: diagnostics.channel('switchboard:upstream:queue-wait'),
  breaker: diagnostics.channel('switchboard:upstream:breaker'),
}

export function publish<T extends object>(channel: diagnostics.Channel, event: T): void {
  if (channel.hasSubscribers) channel.publish(event)
}
