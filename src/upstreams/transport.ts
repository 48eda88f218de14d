/**
 * HTTP to one upstream connection through the pool of its origin, with a total deadline per
 * request on top of the pool's connect and I/O deadlines. Bodies are read up to a size bound.
 * The upstream `Authorization` header is built here and nowhere else.
 */
import type { Dispatcher, Pool } from 'undici'
import type { IncomingHttpHeaders } from 'node:http'
import type { ConnectionConfig } from '../config.js'
import { ProblemError } from '../errors.js'
import { transportFailure, type UpstreamFailureContext } from './failures.js'

export type UpstreamMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface UpstreamRequest {
  method: UpstreamMethod
  /** Path below the connection's base path, built only from encoded, validated parts. */
  path: string
  query?: Record<string, string | number | undefined>
  headers?: Record<string, string>
  body?: string | Buffer
}

export interface UpstreamResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

export interface TransportOptions {
  maxResponseBytes: number
}

export class UpstreamTransport {
  readonly #pool: Pool
  readonly #basePath: string
  readonly #authorization: string
  readonly #maxBytes: number
  readonly #ctx: UpstreamFailureContext

  constructor(connection: ConnectionConfig, pool: Pool, options: TransportOptions) {
    this.#pool = pool
    this.#basePath = new URL(connection.baseUrl).pathname.replace(/\/+$/, '')
    this.#maxBytes = options.maxResponseBytes
    this.#ctx = { source: connection.source, connection: connection.name }
    // Both upstreams take the secret as the Basic user name with a dummy password.
    this.#authorization = `Basic ${Buffer.from(`${connection.credential}:x`, 'utf8').toString('base64')}`
  }

  /** The path and query this request is sent to (also the cache key's tail). */
  target(req: UpstreamRequest): string {
    return this.#basePath + req.path + queryString(req.query)
  }

  /**
   * Sends one request and reads the whole answer within `timeoutMs`. Non-2xx answers are
   * returned, not thrown; failures without an answer are thrown as problems.
   */
  async send(req: UpstreamRequest, timeoutMs: number): Promise<UpstreamResponse> {
    const deadline = AbortSignal.timeout(Math.max(1, timeoutMs))
    const options: Dispatcher.RequestOptions = {
      method: req.method,
      path: this.target(req),
      headers: { accept: '*/*', ...req.headers, authorization: this.#authorization },
      signal: deadline,
    }
    if (req.body !== undefined) options.body = req.body
    try {
      const res = await this.#pool.request(options)
      const body = await readBounded(res.body, this.#maxBytes, res.headers['content-length'], this.#ctx, res.statusCode)
      return { status: res.statusCode, headers: res.headers, body }
    } catch (err) {
      throw transportFailure(err, this.#ctx, deadline.aborted)
    }
  }
}

function queryString(query: UpstreamRequest['query']): string {
  if (query === undefined) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.append(key, String(value))
  }
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

async function readBounded(
  body: Dispatcher.ResponseData['body'],
  max: number,
  declared: string | string[] | undefined,
  ctx: UpstreamFailureContext,
  status: number,
): Promise<Buffer> {
  const tooLarge = () =>
    new ProblemError('upstream_response_too_large', `${ctx.connection} sent more than ${max} bytes`, {
      upstream: { source: ctx.source, status },
    })
  if (typeof declared === 'string' && Number(declared) > max) {
    body.destroy()
    throw tooLarge()
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += (chunk as Buffer).length
    if (size > max) {
      body.destroy()
      throw tooLarge()
    }
    chunks.push(chunk as Buffer)
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)
}
