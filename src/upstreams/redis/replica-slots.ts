/**
 * Each replica holds one slot number (0 to replicas - 1) through a heartbeat key in Redis, and
 * sees which slots have no live heartbeat. The slot decides when the replica may call while it
 * cannot reach Redis; the absent slots are what the replicas on Redis count as spent then
 * (see budget/slots.ts and fallback.ts).
 */
import { randomBytes } from 'node:crypto'
import type { Redis, Result } from 'ioredis'
import type { ReplicaSlots } from './fallback.js'

/** A heartbeat lives this long unless renewed; renewal and the look at the others run every second. */
const HEARTBEAT_TTL_MS = 3_000
const BEAT_MS = 1_000

// KEYS[1] the slot's key; ARGV me, ttl. Keeps or takes the slot when it is this replica's or free.
const HOLD = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
  return 1
end
return 0
`

declare module 'ioredis' {
  interface RedisCommander<Context> {
    replicaHold(key: string, me: string, ttlMs: number): Result<number, Context>
  }
}

export class RedisReplicaSlots implements ReplicaSlots {
  readonly #redis: Redis
  readonly #replicas: number
  readonly #me = randomBytes(8).toString('hex')
  #slot: number | null
  /** A slot given by configuration is kept whatever Redis says. */
  readonly #fixed: boolean
  #absent: ReadonlySet<number> = new Set()
  #timer: NodeJS.Timeout | undefined

  constructor(redis: Redis, replicas: number, fixedSlot: number | null = null) {
    this.#redis = redis
    this.#replicas = replicas
    // Alone, the only slot is this replica's, Redis or not.
    this.#slot = replicas === 1 ? 0 : fixedSlot
    this.#fixed = replicas === 1 || fixedSlot !== null
    redis.defineCommand('replicaHold', { numberOfKeys: 1, lua: HOLD })
  }

  get slot(): number | null {
    return this.#slot
  }

  absent(): ReadonlySet<number> {
    return this.#absent
  }

  /** Claims a slot and keeps it; resolves after the first attempt (Redis may be away). */
  async start(): Promise<void> {
    if (this.#replicas === 1) return
    await this.beat()
    this.#timer = setInterval(() => void this.beat(), BEAT_MS)
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  /** Renews this replica's heartbeat (claiming a free slot if it has none) and reads the others'. */
  async beat(): Promise<void> {
    try {
      const held =
        this.#slot !== null && (await this.#redis.replicaHold(key(this.#slot), this.#me, HEARTBEAT_TTL_MS)) === 1
      // A claimed slot gone to another replica (Redis lost its keys): take a free one.
      if (!held && !this.#fixed) this.#slot = await this.#claim()
      const holders = await this.#redis.mget(...Array.from({ length: this.#replicas }, (_, i) => key(i)))
      this.#absent = new Set(holders.flatMap((holder, i) => (holder === null ? [i] : [])))
    } catch {
      // Redis is away: the slot stays as it was; the budget's fallback takes over.
    }
  }

  async #claim(): Promise<number | null> {
    for (let slot = 0; slot < this.#replicas; slot++) {
      if ((await this.#redis.replicaHold(key(slot), this.#me, HEARTBEAT_TTL_MS)) === 1) return slot
    }
    return null
  }
}

function key(slot: number): string {
  return `replica:${slot}`
}
