/**
 * An undici dispatcher that hands each request to a Fastify app in the same process (its
 * `inject`), without sockets: the gateway reaches a simulator through it exactly as through a
 * pool (the same interceptors, the same handler events), so tests on a virtual clock see no
 * real I/O at all. What is about sockets (resets, slow bodies, pools) is tested over loopback.
 *
 * The request starts (`onRequestStart`) synchronously inside `dispatch`, the moment a pool
 * would write it: the send-by check of the budget grant sees the same instant.
 */
import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { Dispatcher } from 'undici'
import type { IncomingHttpHeaders } from 'node:http'

type Handler = Dispatcher.DispatchHandler

/** The handler events of undici before version 7, which its request API still uses. */
interface LegacyHandler {
  onConnect?(abort: (reason?: Error) => void, context?: object): void
  onHeaders?(status: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean | void
  onData?(chunk: Buffer): boolean | void
  onComplete?(trailers: Buffer[] | null): void
  onError?(err: Error): void
}

class Controller implements Dispatcher.DispatchController {
  #reason: Error | null = null
  #onAbort: ((reason: Error) => void) | null = null

  get aborted(): boolean {
    return this.#reason !== null
  }
  get paused(): boolean {
    return false
  }
  get reason(): Error | null {
    return this.#reason
  }
  abort(reason: Error): void {
    if (this.#reason !== null) return
    this.#reason = reason
    this.#onAbort?.(reason)
  }
  // The answer is handed over whole: there is nothing to pause.
  pause(): void {}
  resume(): void {}
  whenAborted(listener: (reason: Error) => void): void {
    this.#onAbort = listener
  }
}

async function bodyBytes(body: Dispatcher.DispatchOptions['body']): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return Buffer.from(body)
  if (body instanceof Uint8Array) return Buffer.from(body)
  if (body instanceof Readable || Symbol.asyncIterator in (body as object)) {
    const chunks: Buffer[] = []
    for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(chunk))
    return Buffer.concat(chunks)
  }
  throw new TypeError('a request body of this kind cannot be handed over in-process')
}

function headersOf(given: Dispatcher.DispatchOptions['headers']): Record<string, string> {
  const headers: Record<string, string> = {}
  if (given === undefined || given === null) return headers
  if (Array.isArray(given)) {
    for (let i = 0; i + 1 < given.length; i += 2) headers[String(given[i]).toLowerCase()] = String(given[i + 1])
    return headers
  }
  for (const [name, value] of Object.entries(given as Record<string, unknown>)) {
    if (value === undefined) continue
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value)
  }
  return headers
}

function rawHeaders(headers: IncomingHttpHeaders | Record<string, unknown>): Buffer[] {
  const raw: Buffer[] = []
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : [value])
      if (one !== undefined) raw.push(Buffer.from(name, 'latin1'), Buffer.from(String(one), 'latin1'))
  }
  return raw
}

export class InProcessDispatcher extends Dispatcher {
  readonly #app: FastifyInstance

  constructor(app: FastifyInstance) {
    super()
    this.#app = app
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Handler): boolean {
    const legacy = handler as LegacyHandler
    const modern = typeof handler.onRequestStart === 'function'
    const controller = new Controller()
    let settled = false
    const fail = (err: Error) => {
      if (settled) return
      settled = true
      if (modern) handler.onResponseError?.(controller, err)
      else legacy.onError?.(err)
    }
    controller.whenAborted(fail)
    if (modern) handler.onRequestStart?.(controller, {})
    else legacy.onConnect?.((reason) => controller.abort(reason ?? new Error('aborted')), {})
    if (controller.aborted) return true
    void this.#send(options).then((res) => {
      if (settled || controller.aborted) return
      settled = true
      const body = res.rawPayload
      if (modern) {
        handler.onResponseStart?.(controller, res.statusCode, res.headers as IncomingHttpHeaders, res.statusMessage)
        if (body.length > 0) handler.onResponseData?.(controller, body)
        handler.onResponseEnd?.(controller, {})
      } else {
        legacy.onHeaders?.(res.statusCode, rawHeaders(res.headers), () => undefined, res.statusMessage)
        if (body.length > 0) legacy.onData?.(body)
        legacy.onComplete?.([])
      }
    }, fail)
    return true
  }

  async #send(options: Dispatcher.DispatchOptions) {
    const payload = await bodyBytes(options.body)
    return this.#app.inject({
      method: options.method as 'GET',
      url: options.path,
      headers: headersOf(options.headers),
      ...(payload === undefined ? {} : { payload }),
    })
  }

  // The app belongs to whoever made it: closing the dispatcher leaves it running.
  override close(): Promise<void> {
    return Promise.resolve()
  }

  override destroy(): Promise<void> {
    return Promise.resolve()
  }
}
