/** Turns an opaque message id into the adapter and upstream ids that serve it, or a problem. */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ProblemError } from '../../errors.js'
import { decodeId } from '../../ids.js'
import { mayUse } from '../../plugins/auth.js'
import type { SourceAdapter } from '../../upstreams/adapter.js'
import type { SourceKind } from '../../upstreams/source.js'

/** Upstream ids in a message id: a BatchBook communication; a Snappy ticket and note. */
export const MESSAGE_ID_PARTS: Record<SourceKind, number> = { batchbook: 1, snappy: 2 }
/** Upstream ids in a contact id: a BatchBook contact; a Snappy account and contact. */
export const CONTACT_ID_PARTS: Record<SourceKind, number> = { batchbook: 1, snappy: 2 }

export interface ResolvedMessage {
  adapter: SourceAdapter
  parts: readonly string[]
}

/** The connection named in an id, checked against configuration and the caller's key. */
export function adapterFor(app: FastifyInstance, request: FastifyRequest, connection: string, source: SourceKind): SourceAdapter {
  const adapter = app.upstreams.get(connection)
  if (adapter === undefined || adapter.connection.source !== source) {
    throw new ProblemError('not_found', `There is no ${source} connection named '${connection}'`)
  }
  if (!mayUse(request.caller, connection)) {
    throw new ProblemError('forbidden_connection', `This API key may not use the connection '${connection}'`)
  }
  return adapter
}

export function resolveMessage(app: FastifyInstance, request: FastifyRequest, id: string): ResolvedMessage {
  const decoded = decodeId('message', id, MESSAGE_ID_PARTS)
  return { adapter: adapterFor(app, request, decoded.connection, decoded.source), parts: decoded.parts }
}

/** The operation, or 405 `unsupported_by_source` before any upstream call. */
export function operation<K extends keyof SourceAdapter>(adapter: SourceAdapter, name: K, what: string): NonNullable<SourceAdapter[K]> {
  const op = adapter[name]
  if (typeof op !== 'function') {
    throw new ProblemError('unsupported_by_source', `${adapter.connection.source} cannot ${what}`)
  }
  return (op as (...args: unknown[]) => unknown).bind(adapter) as NonNullable<SourceAdapter[K]>
}
