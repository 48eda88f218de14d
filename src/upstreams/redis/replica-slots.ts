/**
 * Each gateway holds one slot number (0 to replicas - 1) through a heartbeat key in Redis, and
 * sees which slots have no live heartbeat. The slot decides when the gateway may call while it
 * cannot reach Redis; the absent slots are what the gateways on Redis count as spent then
 * (see budget/slots.ts and fallback.ts).
 *
 * An absent slot is counted as spent for a bounded time only: `failoverMs` after it was first
 * seen absent, plus one window of the limit (the last calls it could have made leave it). A
 * gateway that died is then no longer waited for, and the others use the whole budget; a
 * gateway that is alive but cut off from Redis keeps to the same bound from its own side, and
 * stops calling once it has not reached Redis for `failoverMs` (fallback.ts).
 */
import { randomBytes } from 'node:crypto'
import type { Redis, Result } from 'ioredis'
import { type Clock, type Timer, realClock } from '../../clock.js'
import { GATEWAY_CLOCK_SKEW_MS } from '../budget/slots.js'
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
  /** Slots without a heartbeat, with when this gateway first saw each so (epoch ms). */
  readonly #absentSince = new Map<number, number>()
  readonly #failoverMs: number
  readonly #now: () => number
  readonly #clock: Clock
  #heardAt = Number.NEGATIVE_INFINITY
  #timer: Timer | undefined

  constructor(
    redis: Redis,
    replicas: number,
    fixedSlot: number | null = null,
    failoverMs = 30_000,
    clock: Clock = realClock,
  ) {
    this.#redis = redis
    this.#replicas = replicas
    this.#failoverMs = failoverMs
    this.#clock = clock
    this.#now = () => clock.now()
    // Alone, the only slot is this replica's, Redis or not.
    this.#slot = replicas === 1 ? 0 : fixedSlot
    this.#fixed = replicas === 1 || fixedSlot !== null
    redis.defineCommand('replicaHold', { numberOfKeys: 1, lua: HOLD })
  }

  get slot(): number | null {
    return this.#slot
  }

  /** When this gateway's heartbeat last reached Redis (epoch ms). */
  get heardAt(): number {
    return this.#heardAt
  }

  /** Slots whose calls a window of `windowMs` must count as spent: absent, and not for longer than the bound. */
  absent(windowMs: number): ReadonlySet<number> {
    const now = this.#now()
    const counted = new Set<number>()
    for (const [slot, since] of this.#absentSince) {
      if (now - since < this.#failoverMs + windowMs + GATEWAY_CLOCK_SKEW_MS) counted.add(slot)
    }
    return counted
  }

  /** Claims a slot and keeps it; resolves after the first attempt (Redis may be away). */
  async start(): Promise<void> {
    if (this.#replicas === 1) return
    await this.beat()
    this.#timer = this.#clock.setInterval(() => void this.beat(), BEAT_MS)
    this.#timer.unref()
  }

  stop(): void {
    this.#clock.clearInterval(this.#timer)
  }

  /** Renews this replica's heartbeat (claiming a free slot if it has none) and reads the others'. */
  async beat(): Promise<void> {
    try {
      const held =
        this.#slot !== null && (await this.#redis.replicaHold(key(this.#slot), this.#me, HEARTBEAT_TTL_MS)) === 1
      // A claimed slot gone to another replica (Redis lost its keys): take a free one.
      if (!held && !this.#fixed) this.#slot = await this.#claim()
      const holders = await this.#redis.mget(...Array.from({ length: this.#replicas }, (_, i) => key(i)))
      const now = this.#now()
      // Its heartbeat is renewed (or it holds no slot, and so makes no call in slots of its own).
      this.#heardAt = now
      holders.forEach((holder, slot) => {
        if (holder !== null || slot === this.#slot) this.#absentSince.delete(slot)
        else if (!this.#absentSince.has(slot)) this.#absentSince.set(slot, now)
      })
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
