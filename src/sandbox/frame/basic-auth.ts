export interface BasicCredentials {
  user: string
  password: string
}

const PREFIX = /^basic\s+/i

/** Parses an `Authorization: Basic …` header; null when absent or not Basic. */
export function parseBasicAuth(header: string | undefined): BasicCredentials | null {
  if (header === undefined) return null
  const match = PREFIX.exec(header)
  if (match === null) return null
  const decoded = Buffer.from(header.slice(match[0].length).trim(), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon === -1) return { user: decoded, password: '' }
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/** Builds the header value for `user:password`. */
export function basicAuthHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`
}
