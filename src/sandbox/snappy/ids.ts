/**
 * Identifier sources. Nonces come from a seeded generator so a fresh simulator always hands
 * out the same sequence (tests and demos are reproducible); they never collide with a
 * numeric ticket id because every nonce holds at least one letter.
 */
import { Prng } from '../frame/prng.js'

export { NONCE as NONCE_PATTERN } from '../../rules.js'
export { Prng } from '../frame/prng.js'

const NONCE_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'
const HEX = '0123456789abcdef'

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
