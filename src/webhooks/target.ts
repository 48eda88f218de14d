/**
 * Safe outbound HTTP for webhook deliveries. A webhook URL is an address a user supplies, so
 * it is checked against private ranges twice: when an endpoint is created or its URL changed
 * (`checkWebhookTarget`, a clear 400), and again on every connect (`createWebhookDispatcher`),
 * because the name may resolve elsewhere by then (DNS rebinding). Redirects are never followed,
 * every exchange has a deadline and at most 64 KiB of an answer is read.
 */
import dns from 'node:dns'
import type { LookupAddress, LookupOptions } from 'node:dns'
import net from 'node:net'
import { StringDecoder } from 'node:string_decoder'
import ipaddr from 'ipaddr.js'
import { Agent, buildConnector, request } from 'undici'
import { invalidField } from '../errors.js'

const URL_FIELD = 'body/url'
const MAX_URL_LENGTH = 2048
/** At most this much of an answer body is read and kept. */
const MAX_ANSWER_BYTES = 64 * 1024
/** The code of the error a connection to a non-public address fails with. */
const PRIVATE_ADDRESS_CODE = 'EWEBHOOKPRIVATE'
/** IPv6 global unicast (RFC 4291); anything outside it (IPv4-compatible `::a.b.c.d`, unassigned space) is not public. */
const IPV6_GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3')

/** A webhook URL as a user may give it: absolute http(s), a host, no credentials, no fragment, ≤ 2048 characters. */
export function parseWebhookUrl(value: string): URL {
  if (value.length > MAX_URL_LENGTH) throw invalidField(URL_FIELD, `must be at most ${MAX_URL_LENGTH} characters`)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalidField(URL_FIELD, 'must be an absolute URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidField(URL_FIELD, 'must use http or https')
  if (url.username !== '' || url.password !== '') throw invalidField(URL_FIELD, 'must not contain credentials')
  if (url.hostname === '') throw invalidField(URL_FIELD, 'must have a host')
  // `http://x/#` has an empty `hash` but still a fragment; `#` cannot appear anywhere else unencoded.
  if (url.hash !== '' || value.includes('#')) throw invalidField(URL_FIELD, 'must not contain a fragment')
  // Percent-encoding may lengthen what was given.
  if (url.href.length > MAX_URL_LENGTH) throw invalidField(URL_FIELD, `must be at most ${MAX_URL_LENGTH} characters`)
  return url
}

/**
 * Whether an IP address is public: only ipaddr.js's `unicast` range is (an IPv4-mapped IPv6
 * address is judged as the IPv4 address it carries), and for IPv6 only within 2000::/3.
 * Loopback, private, link-local, unique-local, CGNAT, multicast, reserved, benchmarking and the
 * translation ranges that can carry any IPv4 address (6to4, Teredo, NAT64) are not. Anything
 * that is not an IP address is not public either.
 */
export function isPublicAddress(address: string): boolean {
  if (net.isIP(address) === 0) return false
  let parsed: ipaddr.IPv4 | ipaddr.IPv6
  try {
    parsed = ipaddr.process(address)
  } catch {
    return false
  }
  if (parsed.range() !== 'unicast') return false
  return !(parsed instanceof ipaddr.IPv6) || parsed.match(IPV6_GLOBAL_UNICAST)
}

type LookupAll = (hostname: string, options: { all: true; verbatim: true }) => Promise<LookupAddress[]>

/** A URL's host as an address or a name to resolve (`[::1]` → `::1`). */
function hostOf(url: URL): string {
  const { hostname } = url
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname
}

/**
 * Checks, when an endpoint is created or its URL changed, that the URL's host resolves and (unless
 * `allowPrivate`) only to public addresses; an IP literal is checked as it is. Throws a 400
 * `invalidField('body/url', …)` otherwise. The same check runs again on every connect.
 */
export async function checkWebhookTarget(
  url: URL,
  allowPrivate: boolean,
  lookup: LookupAll = dns.promises.lookup,
): Promise<void> {
  const host = hostOf(url)
  let addresses: string[]
  if (net.isIP(host) !== 0) {
    addresses = [host]
  } else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address)
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code
      throw invalidField(
        URL_FIELD,
        'must resolve to public addresses',
        `The host ${host} could not be resolved${typeof code === 'string' ? ` (${code})` : ''}`,
      )
    }
    if (addresses.length === 0)
      throw invalidField(URL_FIELD, 'must resolve to public addresses', `The host ${host} resolves to no address`)
  }
  if (allowPrivate) return
  // The address itself is not echoed: that would let a caller map internal names.
  if (!addresses.every(isPublicAddress))
    throw invalidField(
      URL_FIELD,
      'must resolve to public addresses',
      `The host ${host} resolves to an address that is not public (private, loopback, link-local or reserved)`,
    )
}

function privateAddressError(host: string): Error {
  return Object.assign(
    new Error(`The address of ${host} was refused: it is not a public address (private, loopback or reserved)`),
    { code: PRIVATE_ADDRESS_CODE },
  )
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `lookup` for net.connect/tls.connect that refuses names resolving to any non-public address.
 * Node 20 calls it with `{ all: true }` (autoSelectFamily, the default) and then wants the array
 * back; otherwise it wants `(err, address, family)`. An IP literal host never reaches it.
 */
function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err !== null) return callback(err, [])
      const first = addresses[0]
      if (first === undefined) {
        const notFound = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
          code: 'ENOTFOUND',
          hostname,
        })
        return callback(notFound, [])
      }
      if (!allowPrivate && !addresses.every((entry) => isPublicAddress(entry.address)))
        return callback(privateAddressError(hostname), [])
      if (options.all === true) callback(null, addresses)
      else callback(null, first.address, first.family)
    })
  }
}

/**
 * The dispatcher webhook deliveries go through: connect, header and body deadlines of
 * `timeoutMs`, and (unless `allowPrivate`) a connection only to public addresses, checked on
 * connect whatever the name resolved to when the endpoint was saved. A refused connection fails
 * with an error whose `code` is `EWEBHOOKPRIVATE`.
 */
export function createWebhookDispatcher(options: { allowPrivate: boolean; timeoutMs: number }): Agent {
  const { allowPrivate, timeoutMs } = options
  const connector = buildConnector({ timeout: timeoutMs, lookup: guardedLookup(allowPrivate) })
  const connect: buildConnector.connector = (connectOptions, callback) => {
    // net.connect does not call `lookup` for an IP literal; undici has already unbracketed IPv6.
    const { hostname } = connectOptions
    if (!allowPrivate && net.isIP(hostname) !== 0 && !isPublicAddress(hostname)) {
      process.nextTick(() => callback(privateAddressError(hostname), null))
      return
    }
    connector(connectOptions, callback)
  }
  return new Agent({ connect, headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
}

export interface DeliveryResult {
  /** The receiver's HTTP status; null when none arrived (refused, unreachable, timed out). */
  status: number | null
  durationMs: number
  /** Why the exchange did not complete; null when it did. May be set with a status (the body failed). */
  error: string | null
  /** The start of the answer body as UTF-8 text, at most 64 KiB. */
  body: string
}

function describeError(err: unknown, timeoutMs: number): string {
  const { name, code, message } = (err ?? {}) as { name?: unknown; code?: unknown; message?: unknown }
  if (code === PRIVATE_ADDRESS_CODE && typeof message === 'string') return message
  if (name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return `No answer within ${timeoutMs} ms`
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return `Could not connect within ${timeoutMs} ms`
  const text = typeof message === 'string' && message !== '' ? message : String(err)
  return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text
}

/**
 * POSTs one delivery: the JSON `payload` with `headers` (its own `content-type` wins), through
 * `dispatcher`, within `timeoutMs` for the whole exchange. Redirects are not followed (a 3xx is
 * an answer like any other). Never throws: a failure is `error`, with `status` null when no
 * answer arrived.
 */
export async function postWebhook(
  dispatcher: Agent,
  url: URL,
  headers: Record<string, string>,
  payload: string,
  timeoutMs: number,
): Promise<DeliveryResult> {
  const started = performance.now()
  const elapsed = (): number => Math.round(performance.now() - started)
  const sent: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() !== 'content-type') sent[name] = value
  sent['content-type'] = 'application/json'

  let status: number | null = null
  const decoder = new StringDecoder('utf8')
  let body = ''
  try {
    // undici 7 follows no redirect without its redirect interceptor (its `maxRedirections` option is gone).
    const answer = await request(url, {
      method: 'POST',
      dispatcher,
      headers: sent,
      body: payload,
      signal: AbortSignal.timeout(timeoutMs),
    })
    status = answer.statusCode
    let read = 0
    try {
      for await (const chunk of answer.body) {
        const bytes = chunk as Buffer
        const room = MAX_ANSWER_BYTES - read
        // The decoder holds back a character cut at the bound, so `body` stays valid text.
        body += decoder.write(bytes.length > room ? bytes.subarray(0, room) : bytes)
        read += Math.min(bytes.length, room)
        if (read >= MAX_ANSWER_BYTES) break
      }
    } finally {
      answer.body.destroy()
    }
    return { status, durationMs: elapsed(), error: null, body }
  } catch (err) {
    return { status, durationMs: elapsed(), error: describeError(err, timeoutMs), body }
  }
}
