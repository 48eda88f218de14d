/** Builds one adapter per configured connection and owns their lifetime. */
import { createHash } from 'node:crypto'
import type { Config, ConnectionConfig } from '../config.js'
import type { SourceAdapter } from './adapter.js'
import { BatchBookAdapter } from './batchbook/adapter.js'
import { MemoryBudgetStore } from './budget/memory-store.js'
import { RateScheduler } from './budget/scheduler.js'
import type { BudgetStore } from './budget/store.js'
import { UpstreamClient } from './client.js'
import { SnappyAdapter } from './snappy/adapter.js'
import { UpstreamTransport } from './transport.js'

export interface RegistryOptions {
  budgetStore?: BudgetStore
  /** Names of connections that point at the built-in simulators. */
  sandboxConnections?: ReadonlySet<string>
}

export class UpstreamRegistry {
  readonly #adapters = new Map<string, SourceAdapter>()
  readonly #sandbox: ReadonlySet<string>

  constructor(config: Config, options: RegistryOptions = {}) {
    const store = options.budgetStore ?? new MemoryBudgetStore()
    this.#sandbox = options.sandboxConnections ?? new Set()
    for (const connection of config.connections) {
      this.#adapters.set(connection.name, createAdapter(connection, config, store))
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
    await Promise.allSettled(this.all().map((a) => a.close()))
  }
}

function createAdapter(connection: ConnectionConfig, config: Config, store: BudgetStore): SourceAdapter {
  const transport = new UpstreamTransport(connection, { maxResponseBytes: config.upstream.maxResponseBytes })
  const scheduler = new RateScheduler({
    store,
    // One budget per upstream credential: two connections sharing a credential share it too.
    key: `${connection.source}:${connection.baseUrl}:${credentialFingerprint(connection.credential)}`,
    limit: connection.rateLimit,
    maxWaitMs: config.upstream.maxQueueWaitMs,
    connection: connection.name,
    source: connection.source,
  })
  const client = new UpstreamClient(connection, transport, scheduler)
  switch (connection.source) {
    case 'batchbook':
      return new BatchBookAdapter(client, { maxDocumentBytes: config.upstream.maxResponseBytes })
    case 'snappy':
      return new SnappyAdapter(client)
  }
}

/** Budget keys may end up in a shared store; they carry a hash, never the secret. */
function credentialFingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16)
}
