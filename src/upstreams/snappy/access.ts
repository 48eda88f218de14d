/**
 * From an opaque id (or a ticket nonce) in a request to the Snappy adapter that serves it,
 * checked before any upstream call: the id must decode, be a Snappy id (another source's id
 * is 405 `unsupported_by_source`: only Snappy has these resources), name a configured
 * connection, and that connection must be one the caller's key may use (else 403).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ProblemError } from '../../errors.js'
import { type IdKind, decodeId } from '../../ids.js'
import { mayUse } from '../../plugins/auth.js'
import { SnappyAdapter } from './adapter.js'

export interface Resolved {
  adapter: SnappyAdapter
  parts: readonly string[]
}

/** The first element of an id's payload, when it can be read at all. */
function sourceOf(value: string): unknown {
  try {
    const payload = JSON.parse(Buffer.from(value.slice(value.indexOf('_') + 1), 'base64url').toString('utf8')) as unknown
    return Array.isArray(payload) ? payload[0] : undefined
  } catch {
    return undefined
  }
}

// Another source has none of these resources: for it, the resource allows no method at all.
function otherSource(kind: IdKind): ProblemError {
  return new ProblemError('unsupported_by_source', `Only Snappy has ${kind} records of this kind; the id names another source`, { allow: [] })
}

/** The Snappy connection `name`, for this caller. */
export function snappyConnection(app: FastifyInstance, request: FastifyRequest, name: string): SnappyAdapter {
  const adapter = app.upstreams.get(name)
  if (adapter === undefined) throw new ProblemError('not_found', `There is no connection named '${name}'`)
  if (!(adapter instanceof SnappyAdapter)) throw new ProblemError('unsupported_by_source', `The connection '${name}' is not a Snappy connection`, { allow: [] })
  if (!mayUse(request.caller, name)) throw new ProblemError('forbidden_connection', `This API key may not use the connection '${name}'`)
  return adapter
}

/** Decodes a Snappy id of `kind` carrying `count` upstream ids, and finds its adapter. */
export function resolveId(app: FastifyInstance, request: FastifyRequest, kind: IdKind, value: string, count: number): Resolved {
  let decoded
  try {
    decoded = decodeId(kind, value, { batchbook: count, snappy: count })
  } catch (err) {
    // A well-formed id of another source with another layout is still "not Snappy's".
    if (sourceOf(value) === 'batchbook') throw otherSource(kind)
    throw err
  }
  if (decoded.source !== 'snappy') throw otherSource(kind)
  return { adapter: snappyConnection(app, request, decoded.connection), parts: decoded.parts }
}

/** Snappy connections the caller may use, optionally only `name` (which must then exist). */
export function usableSnappy(app: FastifyInstance, request: FastifyRequest, name?: string): SnappyAdapter[] {
  if (name !== undefined) {
    const adapter = app.upstreams.get(name)
    if (!(adapter instanceof SnappyAdapter)) {
      throw new ProblemError('validation_failed', `There is no Snappy connection named '${name}'`, {
        errors: [{ path: 'querystring/connection', message: 'unknown Snappy connection' }],
      })
    }
    return [snappyConnection(app, request, name)]
  }
  return app.upstreams.all().filter((a): a is SnappyAdapter => a instanceof SnappyAdapter && mayUse(request.caller, a.connection.name))
}

const NONCE = /^[a-z0-9]{16}$/

/**
 * A conversation named by its id or by its ticket nonce. A nonce says nothing about the
 * connection: `connection` names it, or the key must be able to use exactly one.
 */
export function resolveConversation(app: FastifyInstance, request: FastifyRequest, idOrNonce: string, connection?: string): { adapter: SnappyAdapter; ref: string } {
  if (!NONCE.test(idOrNonce)) {
    const { adapter, parts } = resolveId(app, request, 'conversation', idOrNonce, 1)
    if (connection !== undefined && connection !== adapter.connection.name) {
      throw new ProblemError('validation_failed', 'The conversation id names another connection than `connection`', {
        errors: [{ path: 'querystring/connection', message: 'does not match the id' }],
      })
    }
    return { adapter, ref: parts[0] as string }
  }
  const candidates = usableSnappy(app, request, connection)
  if (candidates.length === 1) return { adapter: candidates[0] as SnappyAdapter, ref: idOrNonce }
  if (candidates.length === 0) throw new ProblemError('forbidden_connection', 'This API key may not use any Snappy connection')
  throw new ProblemError('validation_failed', 'Several Snappy connections are available: name one in `connection` to look a nonce up', {
    errors: [{ path: 'querystring/connection', message: 'required with a nonce when several Snappy connections are usable' }],
  })
}
