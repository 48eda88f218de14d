/**
 * A rate-budget grant is only good for a moment: the budget spaces grants a window and a
 * margin apart, so a call must leave within the margin of its grant, or two calls could reach
 * the upstream closer than its limit allows (a process whose event loop lags between the grant
 * and the write would send a call late, and the next one on time). The grant's `sendBy` travels
 * with the request to the dispatcher, and this interceptor checks it at the moment undici
 * writes the request to the socket (`onRequestStart`, called synchronously right before the
 * bytes go): a late request is aborted unsent, and the engine asks the budget again.
 */
import type { Dispatcher } from 'undici'
import type { Clock } from '../clock.js'

/** A request not written by its grant's `sendBy`: nothing was sent; ask the budget again. */
export class LateSendError extends Error {
  constructor(lateMs: number) {
    super(`the call was ready to leave ${lateMs} ms after its grant allowed; it goes back to the budget`)
    this.name = 'LateSendError'
  }
}

/** Dispatch options carrying the grant's deadline (epoch ms). */
export interface SendByOptions {
  sendBy?: number
}

type Handler = Dispatcher.DispatchHandler

/** Passes every event through, but refuses to start the request past `sendBy`. */
class SendByHandler implements Handler {
  readonly #handler: Handler
  readonly #sendBy: number
  readonly #clock: Clock

  constructor(handler: Handler, sendBy: number, clock: Clock) {
    this.#handler = handler
    this.#sendBy = sendBy
    this.#clock = clock
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    const late = this.#clock.now() - this.#sendBy
    if (late > 0) {
      controller.abort(new LateSendError(late))
      return
    }
    this.#handler.onRequestStart?.(controller, context)
  }

  onRequestUpgrade(...args: Parameters<NonNullable<Handler['onRequestUpgrade']>>): void {
    this.#handler.onRequestUpgrade?.(...args)
  }

  onResponseStart(...args: Parameters<NonNullable<Handler['onResponseStart']>>): void {
    this.#handler.onResponseStart?.(...args)
  }

  onResponseData(...args: Parameters<NonNullable<Handler['onResponseData']>>): void {
    this.#handler.onResponseData?.(...args)
  }

  onResponseEnd(...args: Parameters<NonNullable<Handler['onResponseEnd']>>): void {
    this.#handler.onResponseEnd?.(...args)
  }

  onResponseError(...args: Parameters<NonNullable<Handler['onResponseError']>>): void {
    this.#handler.onResponseError?.(...args)
  }
}

/** The interceptor, reading time from `clock` (the one the grants were made on). */
export function sendByInterceptor(clock: Clock): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const sendBy = (opts as SendByOptions).sendBy
    return dispatch(opts, sendBy === undefined ? handler : new SendByHandler(handler, sendBy, clock))
  }
}
