/**
 * HTTP to one upstream connection through the pool of its origin, with a total deadline per
 * request on top of the pool's connect and I/O deadlines. Bodies are read up to a size bound.
 * The upstream `Authorization` header is built here and nowhere else.
 */
import type { Dispatcher } from 'undici'
import { EventEmitter } from 'node:events'
import type { IncomingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import type { Clock, Timer } from '../clock.js'
import type { ConnectionConfig } from '../config.js'
import { upstreamResponseTooLarge } from '../errors.js'
import type { ScopeOf } from './call-scope.js'
import { transportFailure, type UpstreamFailureContext } from './failures.js'
import { LateSendError, type SendByOptions } from './send-by.js'

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

/** A request whose body is sent as it is produced (uploads), never held whole. */
export interface StreamRequest extends Omit<UpstreamRequest, 'body'> {
  body?: AsyncIterable<Uint8Array>
}

/** An answer whose body has not been read yet. */
export interface StreamedResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Dispatcher.ResponseData['body']
}

export interface TransportOptions {
  maxResponseBytes: number
  clock: Clock
  /** The `traceparent` an upstream call carries (see call-scope.ts); absent: none. */
  scope?: ScopeOf
}

/**
 * The deadline of one call, handed to undici as its `signal`. undici takes an EventEmitter as
 * well as an AbortSignal, and this one costs a plain timer cleared when the call ends, where
 * `AbortSignal.timeout()` costs an EventTarget and a timer that lives on until it fires:
 * several microseconds per call on Node 20, for every upstream call. The timer starts when
 * armed (a streamed upload arms it only once its body is sent); arming again changes nothing.
 */
class Deadline extends EventEmitter {
  aborted = false
  reason: Error | undefined
  #timer: Timer | undefined
  readonly #clock: Clock

  constructor(clock: Clock) {
    super()
    this.#clock = clock
  }

  arm(ms: number): this {
    this.#timer ??= this.#clock
      .setTimeout(
        () => {
          this.aborted = true
          this.reason = new Error('the upstream deadline passed')
          this.emit('abort')
        },
        Math.max(1, ms),
      )
      .unref()
    return this
  }

  clear(): void {
    this.#clock.clearTimeout(this.#timer)
  }
}

export class UpstreamTransport {
  readonly #pool: Dispatcher
  readonly #basePath: string
  readonly #authorization: string
  readonly #maxBytes: number
  readonly #ctx: UpstreamFailureContext
  readonly #scope: ScopeOf | undefined
  readonly #clock: Clock

  constructor(connection: ConnectionConfig, pool: Dispatcher, options: TransportOptions) {
    this.#pool = pool
    this.#clock = options.clock
    this.#scope = options.scope
    this.#basePath = new URL(connection.baseUrl).pathname.replace(/\/+$/, '')
    this.#maxBytes = options.maxResponseBytes
    this.#ctx = { source: connection.source, connection: connection.name }
    // Both upstreams take the secret as the Basic user name with a dummy password.
    this.#authorization = `Basic ${Buffer.from(`${connection.credential}:x`, 'utf8').toString('base64')}`
  }

  /** Caller headers, our credentials, and the request's trace for the upstream to join. */
  #headers(given: Record<string, string> | undefined): Record<string, string> {
    const headers: Record<string, string> = { accept: '*/*', ...given, authorization: this.#authorization }
    const scope = this.#scope?.()
    if (scope !== undefined) headers.traceparent = scope.traceparent()
    return headers
  }

  /** The path and query this request is sent to (also the cache key's tail). */
  target(req: UpstreamRequest): string {
    return this.#basePath + req.path + queryString(req.query)
  }

  /**
   * Sends one request and reads the whole answer within `timeoutMs`. Non-2xx answers are
   * returned, not thrown; failures without an answer are thrown as problems. A request that
   * cannot leave by `sendBy` (its rate-budget grant's moment) is not sent: `LateSendError`.
   */
  async send(req: UpstreamRequest, timeoutMs: number, sendBy?: number): Promise<UpstreamResponse> {
    const deadline = new Deadline(this.#clock).arm(timeoutMs)
    const options: Dispatcher.RequestOptions & SendByOptions = {
      method: req.method,
      path: this.target(req),
      headers: this.#headers(req.headers),
      signal: deadline,
      ...(sendBy === undefined ? {} : { sendBy }),
    }
    if (req.body !== undefined) options.body = req.body
    try {
      const res = await this.#pool.request(options)
      const body = await readBounded(res.body, this.#maxBytes, res.headers['content-length'], this.#ctx, res.statusCode)
      return { status: res.statusCode, headers: res.headers, body }
    } catch (err) {
      if (err instanceof LateSendError) throw err
      throw transportFailure(err, this.#ctx, deadline.aborted)
    } finally {
      deadline.clear()
    }
  }

  /**
   * Sends one request with a streamed body and/or a streamed answer, resolving once the
   * answer's headers are in. `timeoutMs` bounds the wait for those headers and starts when
   * the request body has been handed over in full, so a large upload is paced by the pool's
   * I/O timeouts rather than cut off by a total deadline; pauses in the answer's body are
   * bounded the same way. If the body source fails (the client's upload broke, or was
   * refused half-way), its own error is thrown, not an upstream failure.
   */
  async openStream(req: StreamRequest, timeoutMs: number, sendBy?: number): Promise<StreamedResponse> {
    const deadline = new Deadline(this.#clock)
    const arm = () => deadline.arm(timeoutMs)
    let sourceFailed = false
    let sourceError: unknown
    const options: Dispatcher.RequestOptions & SendByOptions = {
      method: req.method,
      path: this.target({ method: req.method, path: req.path, query: req.query }),
      headers: this.#headers(req.headers),
      signal: deadline,
      ...(sendBy === undefined ? {} : { sendBy }),
    }
    const source = req.body
    if (source === undefined) {
      arm()
    } else {
      const relay = async function* () {
        try {
          for await (const chunk of source) yield chunk
        } catch (err) {
          sourceFailed = true
          sourceError = err
          throw err
        }
        arm()
      }
      options.body = Readable.from(relay(), { objectMode: false })
    }
    try {
      const res = await this.#pool.request(options)
      deadline.clear()
      return { status: res.statusCode, headers: res.headers, body: res.body }
    } catch (err) {
      deadline.clear()
      if (sourceFailed) throw sourceError
      if (err instanceof LateSendError) throw err
      throw transportFailure(err, this.#ctx, deadline.aborted)
    }
  }

  /** Reads a streamed answer's body whole, up to the response size bound (small answers only). */
  async readAll(res: StreamedResponse): Promise<Buffer> {
    try {
      return await readBounded(res.body, this.#maxBytes, res.headers['content-length'], this.#ctx, res.status)
    } catch (err) {
      throw transportFailure(err, this.#ctx, false)
    }
  }
}

function queryString(query: UpstreamRequest['query']): string {
  if (query === undefined) return ''
  // Built on every cached read too (it is part of the cache key): no URLSearchParams unless
  // there is something to encode.
  let params: URLSearchParams | undefined
  for (const key in query) {
    const value = query[key]
    if (value !== undefined) (params ??= new URLSearchParams()).append(key, String(value))
  }
  return params === undefined ? '' : `?${params.toString()}`
}

async function readBounded(
  body: Dispatcher.ResponseData['body'],
  max: number,
  declared: string | string[] | undefined,
  ctx: UpstreamFailureContext,
  status: number,
): Promise<Buffer> {
  const tooLarge = () => upstreamResponseTooLarge(ctx.connection, ctx.source, status, max)
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
