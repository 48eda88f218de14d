/**
 * Builds the engine for every configured connection (transport on a shared pool, rate
 * scheduler, breaker, cache scope) and the adapter on top of it, and owns their lifetime.
 */
import { createHash } from 'node:crypto'
import type { Dispatcher } from 'undici'
import { type Clock, realClock } from '../clock.js'
import type { Config, ConnectionConfig } from '../config.js'
import type { SourceAdapter } from './adapter.js'
import { BatchBookAdapter } from './batchbook/adapter.js'
import { CircuitBreaker } from './breaker.js'
import { EventLoopLag } from './budget/lag.js'
import { MemoryBudgetStore } from './budget/memory-store.js'
import { RateScheduler } from './budget/scheduler.js'
import type { BudgetStore } from './budget/store.js'
import { MemoryCacheStore } from './cache/memory-store.js'
import type { CacheStore } from './cache/store.js'
import type { ScopeOf } from './call-scope.js'
import { MAX_XML_DOCUMENT_BYTES } from './batchbook/xml.js'
import { UpstreamEngine, type EngineSettings } from './engine.js'
import { MemoryIdempotencyStore } from './idempotency/memory-store.js'
import type { IdempotencyStore } from './idempotency/store.js'
import { channels, publish } from './instrumentation.js'
import { PoolRegistry } from './pools.js'
import { DEFAULT_RETRY_POLICY } from './retry.js'
import { SnappyAdapter } from './snappy/adapter.js'
import { UpstreamTransport } from './transport.js'

/** Where shared state lives; in-memory unless a shared implementation is given. */
export interface Stores {
  budget: BudgetStore
  cache: CacheStore
  idempotency: IdempotencyStore
}

export interface RegistryOptions {
  stores?: Partial<Stores>
  /** Names of connections that point at the built-in simulators. */
  sandboxConnections?: ReadonlySet<string>
  /** Who each upstream call is for (see call-scope.ts). */
  scope?: ScopeOf
  clock?: Clock
  /** Dispatchers by origin, instead of pools of sockets (an upstream in the same process). */
  dispatchers?: ReadonlyMap<string, Dispatcher>
}

export class UpstreamRegistry {
  readonly stores: Stores
  readonly #adapters = new Map<string, SourceAdapter>()
  readonly #sandbox: ReadonlySet<string>
  readonly #pools: PoolRegistry
  readonly #lag = new EventLoopLag()

  constructor(config: Config, options: RegistryOptions = {}) {
    const clock = options.clock ?? realClock
    const now = () => clock.now()
    this.stores = {
      budget: options.stores?.budget ?? new MemoryBudgetStore(now),
      cache:
        options.stores?.cache ??
        new MemoryCacheStore({ maxBytes: config.cache.maxBytes, staleMs: config.cache.staleMs, now }),
      idempotency: options.stores?.idempotency ?? new MemoryIdempotencyStore(now),
    }
    this.#sandbox = options.sandboxConnections ?? new Set()
    this.#pools = new PoolRegistry({
      ioTimeoutMs: config.upstream.timeoutMs,
      clock,
      dispatchers: options.dispatchers ?? new Map(),
    })
    if (config.loadShedding.maxEventLoopDelayMs > 0) this.#lag.start()
    const settings: EngineSettings = {
      clock,
      cache: config.cache.maxBytes === 0 ? null : { store: this.stores.cache, ttlMs: config.cache.ttlMs },
      retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: config.upstream.retryAttempts },
      ...(options.scope === undefined ? {} : { scope: options.scope }),
    }
    for (const connection of config.connections) {
      this.#adapters.set(connection.name, this.#createAdapter(connection, config, settings))
    }
  }

  get(name: string): SourceAdapter | undefined {
    return this.#adapters.get(name)
  }

  all(): SourceAdapter[] {
    return [...this.#adapters.values()]
  }

  isSandbox(name: string): boolean {
    return this.#sandbox.has(name)
  }

  async close(): Promise<void> {
    this.#lag.stop()
    await this.#pools.close()
  }

  #createAdapter(connection: ConnectionConfig, config: Config, settings: EngineSettings): SourceAdapter {
    const url = new URL(connection.baseUrl)
    // One budget and one cache scope per upstream credential: connections sharing a
    // credential share its limit; different credentials never share a cached answer.
    const scope = `${connection.name}:${connection.source}:${url.host}:${credentialFingerprint(connection.credential)}`
    const transport = new UpstreamTransport(connection, this.#pools.get(url.origin), {
      maxResponseBytes: config.upstream.maxResponseBytes,
      clock: settings.clock,
      ...(settings.scope === undefined ? {} : { scope: settings.scope }),
    })
    const scheduler = new RateScheduler({
      store: this.stores.budget,
      key: `${connection.source}:${url.host}:${credentialFingerprint(connection.credential)}`,
      limit: connection.rateLimit,
      maxWaitMs: config.upstream.maxQueueWaitMs,
      fairShare: config.upstream.fairShare,
      clock: settings.clock,
      // Load shedding off (`SHED_EVENT_LOOP_DELAY_MS=0`) turns this check off too.
      ...(config.loadShedding.maxEventLoopDelayMs === 0 ? {} : { lag: () => this.#lag.ms }),
      connection: connection.name,
      source: connection.source,
    })
    const breaker = new CircuitBreaker({
      ...config.breaker,
      now: () => settings.clock.now(),
      onTransition: (from, to) => publish(channels.breaker, { connection: connection.name, from, to }),
    })
    const client = new UpstreamEngine(connection, { transport, scheduler, breaker, scope }, settings)
    switch (connection.source) {
      case 'batchbook':
        return new BatchBookAdapter(client, {
          maxDocumentBytes: Math.min(config.upstream.maxResponseBytes, MAX_XML_DOCUMENT_BYTES),
        })
      case 'snappy':
        return new SnappyAdapter(client)
    }
  }
}

/** Keys may end up in a shared store; they carry a hash, never the secret. */
function credentialFingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16)
}
