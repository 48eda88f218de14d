/**
 * One undici Pool per upstream origin, shared by every connection to that origin: bounded
 * sockets, keep-alive shorter than common upstream idle timeouts, connect and I/O deadlines.
 * Requests go through it with the grant check of send-by.ts. An origin may be given a
 * dispatcher of its own instead (tests hand requests to a simulator in the same process).
 */
import { type Dispatcher, Pool } from 'undici'
import { type Clock, realClock } from '../clock.js'
import { sendByInterceptor } from './send-by.js'

export interface PoolOptions {
  /** Sockets per origin; the upstream rate limits make more pointless. */
  connections: number
  /** Below the 60 s idle timeout common upstream load balancers use, so we close first. */
  keepAliveTimeoutMs: number
  connectTimeoutMs: number
  /** Per-socket wait for response headers and between body chunks. */
  ioTimeoutMs: number
  clock: Clock
  /** Dispatchers by origin, used instead of a pool of sockets. */
  dispatchers: ReadonlyMap<string, Dispatcher>
}

const DEFAULT_POOL_OPTIONS: PoolOptions = {
  connections: 8,
  keepAliveTimeoutMs: 4_000,
  connectTimeoutMs: 5_000,
  ioTimeoutMs: 10_000,
  clock: realClock,
  dispatchers: new Map(),
}

export class PoolRegistry {
  /** `owned`: made here (and closed here); a given dispatcher belongs to whoever gave it. */
  readonly #pools = new Map<string, { pool: Dispatcher; dispatcher: Dispatcher; owned: boolean }>()
  readonly #options: PoolOptions

  constructor(options: Partial<PoolOptions> = {}) {
    this.#options = { ...DEFAULT_POOL_OPTIONS, ...options }
  }

  get(origin: string): Dispatcher {
    let entry = this.#pools.get(origin)
    if (entry === undefined) {
      const given = this.#options.dispatchers.get(origin)
      const pool =
        given ??
        new Pool(origin, {
          connections: this.#options.connections,
          keepAliveTimeout: this.#options.keepAliveTimeoutMs,
          keepAliveMaxTimeout: 30_000,
          headersTimeout: this.#options.ioTimeoutMs,
          bodyTimeout: this.#options.ioTimeoutMs,
          connect: { timeout: this.#options.connectTimeoutMs },
        })
      entry = { pool, dispatcher: pool.compose(sendByInterceptor(this.#options.clock)), owned: given === undefined }
      this.#pools.set(origin, entry)
    }
    return entry.dispatcher
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#pools.values()].filter((e) => e.owned).map((e) => e.pool.close()))
    this.#pools.clear()
  }
}
