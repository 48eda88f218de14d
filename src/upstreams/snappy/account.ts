import { SNAPPY_API_PREFIX } from './wire.js'

export const DEFAULT_SNAPPY_BASE_URL = `https://app.besnappy.com${SNAPPY_API_PREFIX}`

const API_KEY = /^[0-9a-f]{64}$/i

/** Snappy API keys are 64 hexadecimal characters. */
export function isValidSnappyKey(key: string): boolean {
  return API_KEY.test(key)
}
