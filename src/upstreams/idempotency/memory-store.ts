import type { IdempotencyStore, Reservation, StoredResponse } from './store.js'

interface Record {
  fingerprint: string
  holder?: string | undefined
  response: StoredResponse | null
  expiresAt: number
}

/** In-process idempotency records, dropped after their time to live. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new Map<string, Record>()
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  async reserve(key: string, fingerprint: string, ttlMs: number, holder?: string): Promise<Reservation> {
    this.#sweep()
    let existing = this.#records.get(key)
    if (existing !== undefined && existing.expiresAt <= this.#now()) {
      this.#records.delete(key)
      existing = undefined
    }
    if (existing === undefined) {
      this.#records.set(key, { fingerprint, holder, response: null, expiresAt: this.#now() + ttlMs })
      return { state: 'reserved' }
    }
    if (existing.fingerprint !== fingerprint) return { state: 'mismatch' }
    if (existing.response === null) return { state: 'in-progress' }
    return { state: 'completed', response: existing.response }
  }

  async complete(key: string, fingerprint: string, response: StoredResponse, ttlMs: number): Promise<void> {
    this.#records.set(key, { fingerprint, response, expiresAt: this.#now() + ttlMs })
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
