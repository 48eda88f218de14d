/**
 * The frame both upstream simulators are built in: a Fastify app that authenticates with
 * HTTP Basic, enforces the upstream's rate limit per credential (counting violations),
 * applies injected faults, records what it saw, and exposes a small control API under
 * `/__sandbox/` (unauthenticated, never rate limited, never counted).
 */
import { type Clock, realClock } from '../../clock.js'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify'
import type { AddressInfo } from 'node:net'
import { parseBasicAuth } from './basic-auth.js'
import { type Fault, FaultInjector, type FaultKind } from './faults.js'
import { RollingWindow, type RollingWindowLimit } from './rolling-window.js'
import { SimulatorStats } from './stats.js'

const CONTROL_PREFIX = '/__sandbox'

export interface SimulatorFrameOptions {
  /** Used in logs and the control API. */
  name: string
  /**
   * Maps Basic credentials to the credential key the rate limit is counted against,
   * or null to answer 401.
   */
  authenticate: (user: string, password: string) => string | null
  /** The upstream's limit, or false to run unlimited (benchmarks). */
  limit: RollingWindowLimit | false
  /** Status of an over-limit answer (BatchBook 503, Snappy 429). */
  limitedStatus: number
  /** Content type of the bodies a `reset` fault starts to send. */
  contentType: string
  /** Start of a plausible body that a `reset` fault sends before cutting the connection. */
  resetPreamble: string
  /** Writes the 401 answer in the upstream's style. */
  unauthorized: (reply: FastifyReply) => FastifyReply
  fastify?: FastifyServerOptions
  /** The time its limiter, request log and latency read (the real clock unless given). */
  clock?: Clock
}

export interface SimulatorFrame {
  app: FastifyInstance
  faults: FaultInjector
  stats: SimulatorStats
  limiter: RollingWindow | null
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The credential key the simulator authenticated, set for every upstream route. */
    simCredential: string | null
    simFault: FaultKind | undefined
  }
  interface FastifyContextConfig {
    /** Marks the simulator's own control routes. */
    simControl?: boolean
  }
}

export function createSimulatorFrame(options: SimulatorFrameOptions): SimulatorFrame {
  const app = Fastify({ logger: false, ...options.fastify })
  const faults = new FaultInjector()
  const stats = new SimulatorStats()
  const clock = options.clock ?? realClock
  const limiter = options.limit === false ? null : new RollingWindow(options.limit, () => clock.now())

  app.decorateRequest('simCredential', null)
  app.decorateRequest('simFault', undefined)

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.simControl === true) return
    const path = pathOf(request.url)
    const basic = parseBasicAuth(request.headers.authorization)
    const credential = basic === null ? null : options.authenticate(basic.user, basic.password)
    stats.record({
      method: request.method,
      url: request.url,
      route: `${request.method} ${request.routeOptions.url ?? '(unmatched)'}`,
      credential,
      traceparent: typeof request.headers.traceparent === 'string' ? request.headers.traceparent : null,
      at: clock.now(),
    })
    if (credential === null) return options.unauthorized(reply)
    request.simCredential = credential

    if (limiter !== null) {
      const verdict = limiter.hit(credential)
      if (!verdict.allowed) {
        stats.limitViolations++
        return reply
          .code(options.limitedStatus)
          .header('retry-after', String(Math.ceil(verdict.retryAfterMs / 1000)))
          .type('text/html; charset=UTF-8')
          .send(`<html><body><h1>${options.limitedStatus} Too Many Requests</h1></body></html>`)
      }
    }

    if (faults.baseLatencyMs > 0) await clock.sleep(faults.baseLatencyMs)
    const fault = faults.take(request.method, path)
    if (fault === undefined) return
    switch (fault.type) {
      case 'latency':
        await clock.sleep(fault.ms)
        return
      case 'status':
        if (fault.retryAfter !== undefined) reply.header('retry-after', String(fault.retryAfter))
        return reply
          .code(fault.status)
          .type(fault.contentType ?? 'text/html; charset=UTF-8')
          .send(fault.body ?? `<html><body><h1>${fault.status}</h1></body></html>`)
      case 'reset':
        return resetMidBody(reply, options.contentType, options.resetPreamble)
      case 'malformed':
        request.simFault = fault
        return
    }
  })

  // A `malformed` fault keeps the real status and headers but cuts the body in half.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.simFault?.type !== 'malformed') return payload
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload
    const bytes = Buffer.from(payload)
    const cut = bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2)))
    reply.header('content-length', cut.length)
    return cut
  })

  app.register(
    async (control) => {
      control.get('/stats', { config: { simControl: true } }, async () => stats.toJSON())
      control.post<{ Body: Fault | Fault[] }>('/faults', { config: { simControl: true } }, async (request, reply) => {
        const list = Array.isArray(request.body) ? request.body : [request.body]
        try {
          for (const fault of list) faults.inject(fault)
        } catch (err) {
          return reply.code(400).send({ error: (err as Error).message })
        }
        return { pending: faults.pending }
      })
      control.put<{ Body: { ms: number } }>('/latency', { config: { simControl: true } }, async (request) => {
        faults.baseLatencyMs = Math.max(0, Number(request.body.ms) || 0)
        return { ms: faults.baseLatencyMs }
      })
      control.delete('/faults', { config: { simControl: true } }, async () => {
        faults.clear()
        return { pending: 0 }
      })
      control.post('/reset', { config: { simControl: true } }, async () => {
        faults.clear()
        stats.reset()
        limiter?.reset()
        return { ok: true }
      })
    },
    { prefix: CONTROL_PREFIX },
  )

  return { app, faults, stats, limiter }
}

function pathOf(url: string): string {
  const q = url.indexOf('?')
  return q === -1 ? url : url.slice(0, q)
}

/** Promises more bytes than it sends, then destroys the socket: a reset mid-body. */
function resetMidBody(reply: FastifyReply, contentType: string, preamble: string): FastifyReply {
  reply.hijack()
  const raw = reply.raw
  const body = Buffer.from(preamble, 'utf8')
  raw.writeHead(200, { 'content-type': contentType, 'content-length': String(body.length * 4 + 1024) })
  raw.write(body)
  setImmediate(() => raw.destroy())
  return reply
}

/** Listens on loopback and answers the origin (`http://127.0.0.1:PORT`). */
export async function listenOnLoopback(app: FastifyInstance, port = 0): Promise<string> {
  await app.listen({ host: '127.0.0.1', port })
  const address = app.server.address() as AddressInfo
  return `http://127.0.0.1:${address.port}`
}
