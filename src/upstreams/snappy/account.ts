import type { RateLimit } from '../../config.js'

export const DEFAULT_SNAPPY_BASE_URL = 'https://app.besnappy.com/api/v1'

/** "The current Snappy API rate limit is 200 requests per minute." (vendor docs) */
export const DEFAULT_SNAPPY_LIMIT: RateLimit = Object.freeze({ max: 200, windowMs: 60_000 })

const API_KEY = /^[0-9a-f]{64}$/i

/** Snappy API keys are 64 hexadecimal characters. */
export function isValidSnappyKey(key: string): boolean {
  return API_KEY.test(key)
}
