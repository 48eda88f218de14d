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

type Operation = Exclude<keyof SourceAdapter, 'connection' | 'client'>

/**
 * The adapter operation behind each method of each message resource (null: any source). A 405
 * lists in `Allow` the methods whose operation the source has, as `capabilitiesOf` does.
 */
const RESOURCES: Record<string, Partial<Record<string, Operation | null>>> = {
  '/v1/messages': { GET: null, POST: 'createMessage' },
  '/v1/messages/{id}': { GET: 'getMessage', PATCH: 'updateMessage', DELETE: 'deleteMessage' },
  '/v1/messages/{id}/participants': { GET: 'listParticipants', POST: 'addParticipant' },
  '/v1/messages/{id}/participants/{contactId}': { DELETE: 'removeParticipant' },
  '/v1/messages/{id}/tags': { GET: 'listTags' },
  '/v1/messages/{id}/tags/{tag}': { PUT: 'addTag', DELETE: 'removeTag' },
  '/v1/messages/{id}/comments': { GET: 'listComments', POST: 'addComment' },
  '/v1/messages/{id}/comments/{commentId}': { PATCH: 'updateComment', DELETE: 'deleteComment' },
}

/** The methods the resource served by `name` supports for this adapter's source. */
export function allowedMethods(adapter: SourceAdapter, name: Operation): string[] {
  const methods = Object.values(RESOURCES).find((resource) => Object.values(resource).includes(name)) ?? {}
  const allowed = Object.entries(methods)
    .filter(([, op]) => op === null || (op !== undefined && typeof adapter[op] === 'function'))
    .map(([method]) => method)
  // Fastify answers HEAD wherever it answers GET.
  return allowed.includes('GET') ? ['GET', 'HEAD', ...allowed.filter((m) => m !== 'GET')] : allowed
}

/** The operation, or 405 `unsupported_by_source` before any upstream call. */
export function operation<K extends Operation>(adapter: SourceAdapter, name: K, what: string): NonNullable<SourceAdapter[K]> {
  const op = adapter[name]
  if (typeof op !== 'function') {
    throw new ProblemError('unsupported_by_source', `${adapter.connection.source} cannot ${what}`, { allow: allowedMethods(adapter, name) })
  }
  return (op as (...args: unknown[]) => unknown).bind(adapter) as NonNullable<SourceAdapter[K]>
}
