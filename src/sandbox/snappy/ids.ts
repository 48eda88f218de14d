/**
 * Identifier sources. Nonces come from a seeded generator so a fresh simulator always hands
 * out the same sequence (tests and demos are reproducible); they never collide with a
 * numeric ticket id because every nonce holds at least one letter.
 */
const NONCE_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'
const HEX = '0123456789abcdef'

export { NONCE as NONCE_PATTERN } from '../../rules.js'

/** mulberry32: tiny, fast and good enough for identifiers that only need to look random. */
export class Prng {
  #state: number

  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list')
    return items[Math.floor(this.next() * items.length)] as T
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  string(alphabet: string, length: number): string {
    let out = ''
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)]
    return out
  }
}

export class NonceSource {
  readonly #prng: Prng

  constructor(seed = 0x5a17) {
    this.#prng = new Prng(seed)
  }

  /** A fresh 16-character nonce for which `taken` answers false. */
  next(taken: (nonce: string) => boolean): string {
    for (;;) {
      const nonce = this.#prng.string(NONCE_ALPHABET, 16)
      if (/[a-z]/.test(nonce) && !taken(nonce)) return nonce
    }
  }

  /** 32 hex characters, the shape of a document's `storage_key`. */
  storageKey(): string {
    return this.#prng.string(HEX, 32)
  }
}
