/**
 * The one place that turns what a request names (an opaque id, a ticket nonce, a connection
 * name) into the connection that serves it, and checks the caller's key may use it, before
 * any upstream call. Every route asks here; the answers are the same everywhere:
 *
 * - an id that does not decode: 400 `invalid_id` (from `decodeId`);
 * - an id of a source that has no such records (only Snappy has accounts, for example):
 *   405 `unsupported_by_source` with an empty `Allow`;
 * - an id naming a connection that is not configured: 404 `not_found`;
 * - a connection named in a query or body field that is not configured, or of another
 *   source: 400 `validation_failed`, naming the field;
 * - a connection the key may not use: 403 `forbidden_connection`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ProblemError } from '../errors.js'
import {
  forbiddenConnection,
  invalidField,
  noSuchConnection,
  noUsableConnection,
  unknownConnectionField,
  unsupportedBySource,
} from '../errors.js'
import { type IdKind, decodeId } from '../ids.js'
import { NONCE } from '../rules.js'
import type { SourceAdapter } from '../upstreams/adapter.js'
import type { SourceKind } from '../upstreams/source.js'
import { SnappyAdapter } from '../upstreams/snappy/adapter.js'
import { type Caller, mayUse } from './auth.js'

export interface Resolved<A extends SourceAdapter = SourceAdapter> {
  adapter: A
  parts: readonly string[]
}

/** Upstream ids in a message id: a BatchBook communication; a Snappy ticket and note. */
const MESSAGE_ID_PARTS: Record<SourceKind, number> = { batchbook: 1, snappy: 2 }
/** Upstream ids in a contact id: a BatchBook contact; a Snappy account and contact. */
export const CONTACT_ID_PARTS: Record<SourceKind, number> = { batchbook: 1, snappy: 2 }

declare module 'fastify' {
  interface FastifyRequest {
    /** Whether the caller's key may use the connection `name`. */
    mayUse(name: string): boolean
    /** A message id's connection and upstream ids, whatever its source. */
    resolveMessage(id: string): Resolved
    /** An id of a Snappy-only record of `kind`, carrying `count` upstream ids. */
    resolveSnappyId(kind: IdKind, value: string, count: number): Resolved<SnappyAdapter>
    /** A conversation by id or ticket nonce (a nonce needs `connection` when several are usable). */
    resolveConversation(idOrNonce: string, connection?: string): { adapter: SnappyAdapter; ref: string }
    /** The connections the caller may use, of `source` when given. */
    usableConnections(source?: SourceKind): SourceAdapter[]
    /** The usable Snappy connections, or only `name` (named in the query field `connection`). */
    usableSnappy(name?: string): SnappyAdapter[]
    /** The connection a client names in `field`: configured, of `source` when given, usable. */
    namedConnection(name: string, field: string, source?: SourceKind): SourceAdapter
    /** The connection a write of `source` goes to: the one named in `field`, or the only usable one. */
    writeConnection(source: SourceKind, name: string | undefined, field: string): SourceAdapter
  }
}

/** The first element of an id's payload (its source), when it can be read at all. */
function sourceOf(value: string): unknown {
  try {
    const payload = JSON.parse(
      Buffer.from(value.slice(value.indexOf('_') + 1), 'base64url').toString('utf8'),
    ) as unknown
    return Array.isArray(payload) ? payload[0] : undefined
  } catch {
    return undefined
  }
}

function onlySnappy(kind: IdKind): ProblemError {
  return unsupportedBySource(`Only Snappy has ${kind} records of this kind; the id names another source`, [])
}

async function connections(app: FastifyInstance): Promise<void> {
  const registry = app.upstreams

  /** The connection an id names, checked against configuration and the key. */
  function byId(caller: Caller | null, connection: string): SourceAdapter {
    const adapter = registry.get(connection)
    if (adapter === undefined) throw noSuchConnection(connection)
    if (!mayUse(caller, connection)) throw forbiddenConnection(connection)
    return adapter
  }

  function named(caller: Caller | null, name: string, field: string, source?: SourceKind): SourceAdapter {
    const adapter = registry.get(name)
    if (adapter === undefined || (source !== undefined && adapter.connection.source !== source)) {
      throw unknownConnectionField(name, field, source)
    }
    if (!mayUse(caller, name)) throw forbiddenConnection(name)
    return adapter
  }

  const usable = (caller: Caller | null, source?: SourceKind) =>
    registry
      .all()
      .filter((a) => (source === undefined || a.connection.source === source) && mayUse(caller, a.connection.name))

  app.decorateRequest('mayUse', function (this: FastifyRequest, name: string): boolean {
    return mayUse(this.caller, name)
  })

  app.decorateRequest('resolveMessage', function (this: FastifyRequest, id: string): Resolved {
    const decoded = decodeId('message', id, MESSAGE_ID_PARTS)
    return { adapter: byId(this.caller, decoded.connection), parts: decoded.parts }
  })

  app.decorateRequest(
    'resolveSnappyId',
    function (this: FastifyRequest, kind: IdKind, value: string, count: number): Resolved<SnappyAdapter> {
      let decoded
      try {
        decoded = decodeId(kind, value, { batchbook: count, snappy: count })
      } catch (err) {
        // A well-formed id of another source with another layout is still "not Snappy's".
        if (sourceOf(value) === 'batchbook') throw onlySnappy(kind)
        throw err
      }
      if (decoded.source !== 'snappy') throw onlySnappy(kind)
      const adapter = byId(this.caller, decoded.connection)
      if (!(adapter instanceof SnappyAdapter)) throw onlySnappy(kind)
      return { adapter, parts: decoded.parts }
    },
  )

  app.decorateRequest('usableConnections', function (this: FastifyRequest, source?: SourceKind): SourceAdapter[] {
    return usable(this.caller, source)
  })

  app.decorateRequest('usableSnappy', function (this: FastifyRequest, name?: string): SnappyAdapter[] {
    const adapters =
      name === undefined
        ? usable(this.caller, 'snappy')
        : [named(this.caller, name, 'querystring/connection', 'snappy')]
    return adapters.filter((a): a is SnappyAdapter => a instanceof SnappyAdapter)
  })

  app.decorateRequest(
    'namedConnection',
    function (this: FastifyRequest, name: string, field: string, source?: SourceKind): SourceAdapter {
      return named(this.caller, name, field, source)
    },
  )

  app.decorateRequest(
    'writeConnection',
    function (this: FastifyRequest, source: SourceKind, name: string | undefined, field: string): SourceAdapter {
      if (name !== undefined) return named(this.caller, name, field, source)
      const candidates = usable(this.caller, source)
      if (candidates.length === 1) return candidates[0] as SourceAdapter
      if (candidates.length === 0) throw noUsableConnection(source)
      throw invalidField(
        field,
        `required when several ${source} connections are usable`,
        `Several ${source} connections are available; name one in \`connection\``,
      )
    },
  )

  app.decorateRequest('resolveConversation', function (this: FastifyRequest, idOrNonce: string, connection?: string) {
    if (!NONCE.test(idOrNonce)) {
      const { adapter, parts } = this.resolveSnappyId('conversation', idOrNonce, 1)
      if (connection !== undefined && connection !== adapter.connection.name) {
        throw invalidField(
          'querystring/connection',
          'does not match the id',
          'The conversation id names another connection than `connection`',
        )
      }
      return { adapter, ref: parts[0] as string }
    }
    // A nonce says nothing about the connection: `connection` names it, or the key can use only one.
    const candidates = this.usableSnappy(connection)
    if (candidates.length === 1) return { adapter: candidates[0] as SnappyAdapter, ref: idOrNonce }
    if (candidates.length === 0) throw noUsableConnection('Snappy')
    throw invalidField(
      'querystring/connection',
      'required with a nonce when several Snappy connections are usable',
      'Several Snappy connections are available: name one in `connection` to look a nonce up',
    )
  })
}

export default fp(connections, { name: 'connections', dependencies: ['auth'] })
