/**
 * HTTP to one upstream connection: an undici Pool per origin with bounded connections,
 * short keep-alive, and connect, headers, body and total deadlines. Bodies are read up to a
 * size bound. The upstream `Authorization` header is built here and nowhere else.
 */
import { Pool, type Dispatcher } from 'undici'
import type { IncomingHttpHeaders } from 'node:http'
import type { ConnectionConfig } from '../config.js'
import { ProblemError } from '../errors.js'
import { statusFailure, transportFailure, type UpstreamFailureContext } from './failures.js'

export type UpstreamMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface UpstreamRequest {
  method: UpstreamMethod
  /** Path below the connection's base path, built only from encoded, validated parts. */
  path: string
  query?: Record<string, string | number | undefined>
  headers?: Record<string, string>
  body?: string | Buffer
  signal?: AbortSignal
}

export interface UpstreamResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

export interface TransportOptions {
  maxResponseBytes: number
  /** Sockets per origin. The rate limits make more pointless. */
  connections?: number
  /** Kept below the idle timeouts common upstream load balancers use (60 s and more). */
  keepAliveTimeoutMs?: number
  connectTimeoutMs?: number
}

export class UpstreamTransport {
  readonly #pool: Pool
  readonly #basePath: string
  readonly #authorization: string
  readonly #timeoutMs: number
  readonly #maxBytes: number
  readonly #ctx: UpstreamFailureContext

  constructor(connection: ConnectionConfig, options: TransportOptions) {
    const url = new URL(connection.baseUrl)
    this.#basePath = url.pathname.replace(/\/+$/, '')
    this.#timeoutMs = connection.timeoutMs
    this.#maxBytes = options.maxResponseBytes
    this.#ctx = { source: connection.source, connection: connection.name }
    // Both upstreams take the secret as the Basic user name with a dummy password.
    this.#authorization = `Basic ${Buffer.from(`${connection.credential}:x`, 'utf8').toString('base64')}`
    this.#pool = new Pool(url.origin, {
      connections: options.connections ?? 8,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
      keepAliveMaxTimeout: 30_000,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
      connect: { timeout: Math.min(options.connectTimeoutMs ?? 5_000, this.#timeoutMs) },
    })
  }

  /** Sends one request. Non-2xx answers are returned, not thrown: the caller decides. */
  async request(req: UpstreamRequest): Promise<UpstreamResponse> {
    const deadline = AbortSignal.timeout(this.#timeoutMs)
    const signal = req.signal === undefined ? deadline : AbortSignal.any([deadline, req.signal])
    const options: Dispatcher.RequestOptions = {
      method: req.method,
      path: this.#basePath + req.path + queryString(req.query),
      headers: { ...req.headers, authorization: this.#authorization, accept: req.headers?.accept ?? '*/*' },
      signal,
    }
    if (req.body !== undefined) options.body = req.body
    try {
      const res = await this.#pool.request(options)
      const body = await readBounded(res.body, this.#maxBytes, res.headers['content-length'], this.#ctx, res.statusCode)
      return { status: res.statusCode, headers: res.headers, body }
    } catch (err) {
      if (req.signal?.aborted === true && !deadline.aborted) throw err
      throw transportFailure(err, this.#ctx, deadline.aborted)
    }
  }

  /** Like request, but any non-2xx answer becomes the mapped problem. */
  async expectOk(req: UpstreamRequest, describe?: (res: UpstreamResponse) => string | undefined): Promise<UpstreamResponse> {
    const res = await this.request(req)
    if (res.status >= 200 && res.status < 300) return res
    throw statusFailure(res.status, this.#ctx, res.headers['retry-after'], describe?.(res))
  }

  async close(): Promise<void> {
    await this.#pool.close()
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
