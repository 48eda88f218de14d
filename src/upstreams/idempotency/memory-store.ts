import { storeUnavailable } from '../../errors.js'
import {
  type HeldRecord,
  IDEMPOTENCY_TTL_MS,
  type IdempotencyStore,
  type Reservation,
  type StoredResponse,
  verdictOn,
} from './store.js'

interface Record extends HeldRecord {
  expiresAt: number
}

/** In-process idempotency records, dropped after their time to live (and with the process). */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new Map<string, Record>()
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  async reserve(
    key: string,
    fingerprint: string,
    lockMs: number,
    holder?: string,
    alone = false,
  ): Promise<Reservation> {
    this.#sweep()
    const now = this.#now()
    const existing = this.#records.get(key)
    if (existing !== undefined && existing.expiresAt > now) {
      const verdict = verdictOn(existing, fingerprint, holder, alone, now)
      if (verdict !== 'take-over') return verdict
    }
    // Re-inserted, so that the map stays in order of expiry for the sweep.
    this.#records.delete(key)
    this.#records.set(key, {
      fingerprint,
      holder,
      response: null,
      lockedUntil: now + lockMs,
      writingAt: null,
      expiresAt: now + IDEMPOTENCY_TTL_MS,
    })
    return { state: 'reserved' }
  }

  async markWriting(key: string, holder: string): Promise<void> {
    const existing = this.#records.get(key)
    if (existing === undefined || existing.holder !== holder || existing.response !== null)
      throw storeUnavailable('This request no longer holds its Idempotency-Key; retry with the same key', 1)
    existing.writingAt ??= this.#now()
  }

  async complete(key: string, fingerprint: string, response: StoredResponse, ttlMs: number): Promise<void> {
    const now = this.#now()
    this.#records.delete(key)
    this.#records.set(key, {
      fingerprint,
      holder: undefined,
      response,
      lockedUntil: now,
      writingAt: null,
      expiresAt: now + ttlMs,
    })
  }

  async release(key: string, holder?: string): Promise<void> {
    const existing = this.#records.get(key)
    if (existing !== undefined && existing.response === null && (holder === undefined || existing.holder === holder))
      this.#records.delete(key)
  }

  /** Memory hygiene: records mostly expire in the order they were made, so stop at the first live one. */
  #sweep(): void {
    const now = this.#now()
    for (const [key, record] of this.#records) {
      if (record.expiresAt > now) break
      this.#records.delete(key)
    }
  }
}
