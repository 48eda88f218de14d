/**
 * API-key authentication: `Authorization: Bearer <key>` or `X-API-Key: <key>`. Keys are
 * compared as SHA-256 digests with a constant-time comparison, so neither the lookup nor the
 * comparison reveals how much of a guess was right.
 *
 * A queued operation's run (an in-process request, see src/operations/runs.ts) presents its
 * run token instead, and acts as the key that queued it, if that key is still configured.
 */
import { hash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ApiKeyConfig } from '../config.js'
import { unauthorized } from '../errors.js'
import { type OperationRun, OPERATION_RUN_HEADER, type OperationRuns } from '../operations/runs.js'
import { noteOperationRun, noteParty } from '../request-context.js'

export interface Caller {
  name: string
  /** Connections this key may use; null means all. */
  connections: ReadonlySet<string> | null
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null
    /** The queued operation this request runs, or null for a client's own request. */
    operationRun: OperationRun | null
  }
  interface FastifyContextConfig {
    /** Routes anyone may call (health, documents, docs). */
    public?: boolean
  }
}

interface StoredKey {
  digest: Buffer
  caller: Caller
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i

function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer')
}

function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization
  if (authorization !== undefined) return BEARER.exec(authorization)?.[1]
  const header = request.headers['x-api-key']
  return typeof header === 'string' && header !== '' ? header : undefined
}

export function mayUse(caller: Caller | null, connection: string): boolean {
  return caller !== null && (caller.connections === null || caller.connections.has(connection))
}

async function auth(app: FastifyInstance, options: { keys: ApiKeyConfig[]; runs: OperationRuns }): Promise<void> {
  const stored: StoredKey[] = options.keys.map((k) => ({
    digest: digest(k.secret),
    caller: { name: k.name, connections: k.connections === null ? null : new Set(k.connections) },
  }))

  const byName = new Map(stored.map((k) => [k.caller.name, k.caller]))

  app.decorateRequest('caller', null)
  app.decorateRequest('operationRun', null)
  // A callback hook rather than an async one: no promise per request for work that never waits.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config.public === true || request.is404) {
      done()
      return
    }
    const runToken = request.headers[OPERATION_RUN_HEADER]
    const run = typeof runToken === 'string' ? options.runs.find(runToken) : undefined
    if (run !== undefined) {
      const caller = byName.get(run.keyName)
      if (caller === undefined) {
        done(unauthorized(`The API key ${run.keyName} that queued this operation is no longer configured`))
        return
      }
      request.caller = caller
      request.operationRun = run
      noteOperationRun(caller.name)
      done()
      return
    }
    const key = presentedKey(request)
    if (key === undefined) {
      reply.header('www-authenticate', 'Bearer realm="switchboard"')
      done(unauthorized('Send your API key as `Authorization: Bearer <key>` or `X-API-Key: <key>`'))
      return
    }
    const presented = digest(key)
    let match: Caller | null = null
    // Every stored key is compared, so timing does not depend on which one matched.
    for (const candidate of stored) {
      if (timingSafeEqual(candidate.digest, presented)) match = candidate.caller
    }
    if (match === null) {
      reply.header('www-authenticate', 'Bearer realm="switchboard", error="invalid_token"')
      done(unauthorized('The API key is not valid'))
      return
    }
    request.caller = match
    noteParty(match.name)
    done()
  })
}

export default fp(auth, { name: 'auth', dependencies: ['problems'] })
