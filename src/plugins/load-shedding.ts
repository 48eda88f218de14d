/**
 * Load shedding with @fastify/under-pressure: while the event loop lags or the heap runs
 * full, new requests get a 503 `overloaded` problem with `Retry-After` instead of queueing
 * into timeouts. Health routes keep answering.
 */
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { overloaded } from '../errors.js'
import { sendProblem } from './problems.js'

interface LoadSheddingOptions {
  maxEventLoopDelayMs: number
  maxEventLoopUtilization: number
  /** How often the loop is measured (under-pressure's default: every second). */
  sampleIntervalMs?: number
  /** Compiling schemas at start-up stalls the loop once; that is not load worth shedding. */
  graceMs?: number
}

async function loadShedding(app: FastifyInstance, options: LoadSheddingOptions): Promise<void> {
  const graceMs = options.graceMs ?? 5_000
  let readyAt = Number.POSITIVE_INFINITY
  app.addHook('onReady', async () => {
    readyAt = Date.now()
  })
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    maxEventLoopUtilization: options.maxEventLoopUtilization,
    retryAfter: 5,
    ...(options.sampleIntervalMs === undefined ? {} : { sampleInterval: options.sampleIntervalMs }),
    pressureHandler: (request, reply, type, value) => {
      // Not answering here lets the request through: health and metrics must stay reachable,
      // and the stall of start-up itself is not load.
      if (request.routeOptions.config.public === true || Date.now() - readyAt < graceMs) return
      sendProblem(
        request,
        reply,
        overloaded(
          `The gateway is overloaded (${type}: ${typeof value === 'number' ? Math.round(value) : value}); retry shortly`,
          5,
        ),
      )
    },
  })
}

export default fp(loadShedding, { name: 'load-shedding', dependencies: ['problems'] })
