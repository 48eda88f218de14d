/**
 * One connection's way upstream: every call takes rate budget, then goes through the
 * transport; non-2xx answers and unreadable bodies become problems here.
 */
import type { ConnectionConfig } from '../config.js'
import { ProblemError } from '../errors.js'
import type { RateScheduler } from './budget/scheduler.js'
import type { UpstreamRequest, UpstreamResponse, UpstreamTransport } from './transport.js'

export class UpstreamClient {
  readonly connection: ConnectionConfig
  readonly scheduler: RateScheduler
  readonly #transport: UpstreamTransport

  constructor(connection: ConnectionConfig, transport: UpstreamTransport, scheduler: RateScheduler) {
    this.connection = connection
    this.#transport = transport
    this.scheduler = scheduler
  }

  /** Sends a request within the budget; any non-2xx answer is thrown as its problem. */
  async call(req: UpstreamRequest, describe?: (res: UpstreamResponse) => string | undefined): Promise<UpstreamResponse> {
    await this.scheduler.acquire()
    return this.#transport.expectOk(req, describe)
  }

  /** Decodes a body, turning any decoding failure into a 502 problem. */
  decode<T>(res: UpstreamResponse, decoder: (body: Buffer) => T): T {
    try {
      return decoder(res.body)
    } catch (err) {
      throw new ProblemError('upstream_bad_response', `${this.connection.name} sent a response that cannot be read: ${(err as Error).message}`, {
        upstream: { source: this.connection.source, status: res.status },
        cause: err,
      })
    }
  }

  close(): Promise<void> {
    return this.#transport.close()
  }
}
