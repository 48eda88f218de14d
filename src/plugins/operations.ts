/**
 * `Prefer: respond-async` and `Prefer: wait=N` (RFC 7240) on every upstream write route (the
 * routes that declare a `202`): the request is validated and checked as without it (its
 * handler runs), and at its first upstream call, before anything is spent, the write is queued
 * instead (`DeferredWrite`, see request-context.ts). The answer is `202` with the operation,
 * `Location: /v1/operations/{id}` and `Preference-Applied`; with `wait=N` the gateway first
 * waits up to N seconds for the operation to run and, if it did, answers what the write
 * answered. A write that makes no upstream call, a multipart upload (its body is a stream, not
 * something to keep) and any write without a store answer as they would without the preference.
 *
 * A queued write's run is the same route, called in-process (see src/operations/runs.ts):
 * what it did upstream is noted for the worker here, when its answer is sent.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { WRITE_METHODS } from '../rules.js'
import { type TSchema, Type } from 'typebox'
import { DeferredWrite, currentContext } from '../request-context.js'
import type { Operation } from '../schemas/operation.js'
import type { StoredOperation } from '../store/operations.js'

/** The longest `Prefer: wait` honoured: beyond it the write is answered 202 all the same. */
export const MAX_PREFER_WAIT_S = 60

export interface Preference {
  respondAsync: boolean
  /** How long to wait for the queued write before answering 202 (0: at once). */
  waitS: number
}

/** The preferences of a `Prefer` header this gateway applies; null when it names none of them. */
export function preferenceOf(header: string | string[] | undefined): Preference | null {
  if (header === undefined) return null
  let respondAsync = false
  let wait: number | null = null
  for (const part of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const [token = ''] = part.split(';')
    const [name = '', value] = token.split('=').map((s) => s.trim())
    if (name.toLowerCase() === 'respond-async') respondAsync = true
    else if (name.toLowerCase() === 'wait' && value !== undefined) {
      const seconds = Number(value.replace(/^"(.*)"$/, '$1'))
      if (Number.isInteger(seconds) && seconds >= 0) wait = seconds
    }
  }
  if (!respondAsync && wait === null) return null
  return { respondAsync, waitS: Math.min(wait ?? 0, MAX_PREFER_WAIT_S) }
}

const PREFER_HEADER = Type.Optional(
  Type.String({
    maxLength: 1024,
    description:
      '`respond-async`: queue the write and answer `202` with its operation at once (it runs in order, at the upstream’s pace; poll `Location` or follow `operation.*` events). ' +
      `\`wait=N\` (seconds, up to ${MAX_PREFER_WAIT_S}): wait up to N seconds for the write, then answer \`202\` with its operation if it has not run. Other preferences are ignored.`,
  }),
)

/** An upstream write route: a write method that declares the `202` of an accepted write. */
function isUpstreamWrite(route: RouteOptions): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  const responses = route.schema?.response as Record<string, unknown> | undefined
  return methods.some((m) => WRITE_METHODS.has(m)) && responses?.[202] !== undefined
}

/** Declares the preference among the route's headers (the document shows it). */
function withPreferHeader(route: RouteOptions): void {
  const schema = route.schema ?? {}
  const headers = schema.headers as { properties?: Record<string, TSchema> } | undefined
  schema.headers = Type.Object({ ...(headers?.properties ?? {}), prefer: PREFER_HEADER })
  route.schema = schema
}

function isMultipart(request: FastifyRequest): boolean {
  return /^multipart\//i.test(request.headers['content-type'] ?? '')
}

/** What a write answered, given again (a `Prefer: wait` that saw its operation run). */
function answerAs(reply: FastifyReply, operation: StoredOperation): FastifyReply {
  const status = operation.status ?? 500
  if (operation.location !== null) void reply.header('location', operation.location)
  if (status === 204) return reply.code(204).send()
  const type = status >= 400 ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8'
  return reply.code(status).type(type).send(JSON.stringify(operation.result))
}

function accepted(reply: FastifyReply, operation: Operation, preference: Preference): FastifyReply {
  return reply
    .code(202)
    .header('preference-applied', preference.respondAsync ? 'respond-async' : `wait=${preference.waitS}`)
    .header('location', `/v1/operations/${operation.id}`)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(operation))
}

interface OperationsPluginOptions {
  /** Something was queued for the connection: its worker should look now. */
  nudge(connection: string): void
}

async function operations(app: FastifyInstance, options: OperationsPluginOptions): Promise<void> {
  const queue = async (
    request: FastifyRequest,
    reply: FastifyReply,
    connection: string,
    preference: Preference,
  ): Promise<FastifyReply> => {
    const keyName = request.caller?.name ?? ''
    const traceparent = request.headers.traceparent
    const operation = await app.records.operations.enqueue({
      connection,
      keyName,
      method: request.method,
      path: request.url,
      body: request.body ?? null,
      traceparent: typeof traceparent === 'string' ? traceparent : null,
    })
    // The write is now the queue's to make: an Idempotency-Key keeps this answer, so the same
    // key and body get this operation again, never a second one.
    const context = currentContext()
    if (context !== undefined) context.wrote = true
    options.nudge(connection)
    if (preference.waitS > 0) {
      const ran = await app.records.operations.waitFor(operation.id, keyName, preference.waitS * 1000)
      if (ran.state !== 'queued' && ran.state !== 'running' && ran.status !== null) return answerAs(reply, ran)
      return accepted(reply, await app.records.operations.get(operation.id, keyName), preference)
    }
    return accepted(reply, operation, preference)
  }

  app.addHook('onRoute', (route) => {
    if (!isUpstreamWrite(route)) return
    withPreferHeader(route)
    const handler = route.handler as RouteHandlerMethod
    route.handler = async function (this: FastifyInstance, request, reply) {
      const context = currentContext()
      const preference =
        request.operationRun === null && !isMultipart(request) && app.records.operations.kept
          ? preferenceOf(request.headers.prefer)
          : null
      if (preference === null || context === undefined) return handler.call(this, request, reply)
      const deferral: { connection: string | null } = { connection: null }
      context.deferral = deferral
      let result: unknown
      try {
        result = await handler.call(this, request, reply)
      } catch (err) {
        if (!(err instanceof DeferredWrite) && deferral.connection === null) throw err
      } finally {
        context.deferral = null
      }
      // No upstream call: the write was answered (or refused) as it is.
      if (deferral.connection === null) return result
      if (reply.sent) {
        request.log.error('a deferred write answered after its first upstream call was refused; not queued')
        return undefined
      }
      return queue(request, reply, deferral.connection, preference)
    } as RouteHandlerMethod
  })

  // A run's request tells the worker what it did upstream (see src/operations/worker.ts).
  app.addHook('onSend', (request, _reply, payload, done) => {
    // Only a run's request looks at its context: every other answer passes at no cost.
    const run = request.operationRun
    const context = run === null ? undefined : currentContext()
    if (run !== null && context !== undefined) {
      run.wrote = context.wrote
      run.calls = context.upstreamCalls
    }
    done(null, payload)
  })
}

export default fp(operations, { name: 'operations', dependencies: ['request-context', 'auth', 'records'] })
