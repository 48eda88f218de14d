/**
 * What every Snappy resource class shares: JSON reads through the engine's cache, JSON
 * writes, reading Laravel's 422 messages, and building paths only from checked ids.
 */
import { type ProblemError, badUpstreamResponse, invalidId, upstreamNotFound } from '../../errors.js'
import type { CacheKind, UpstreamEngine } from '../engine.js'
import type { UpstreamMethod, UpstreamResponse } from '../transport.js'
import { SnappyDecodeError, asArray, isObject, parseJson } from './codec.js'
import { NONCE, NUMERIC_ID as NUMERIC } from '../../rules.js'

const ACCEPT_JSON = { accept: 'application/json' }

/** A numeric upstream id, checked before it goes into a path. */
export function num(id: string): string {
  if (!NUMERIC.test(id)) throw invalidId(`'${id.slice(0, 40)}' is not a Snappy id`)
  return id
}

/** A ticket as Snappy addresses it: its numeric id or its 16-character nonce. */
export function ticketSegment(ref: string): string {
  if (!NUMERIC.test(ref) && !NONCE.test(ref))
    throw invalidId(`'${ref.slice(0, 40)}' is not a Snappy ticket id or nonce`)
  return ref
}

export function isNonce(ref: string): boolean {
  return NONCE.test(ref)
}

/**
 * Laravel answers a 422 with `{ "field": ["message", ...] }`; those messages tell the caller
 * what to fix. Anything else (HTML pages, empty bodies) gives no message.
 */
export function describeSnappy(res: UpstreamResponse): string | undefined {
  if (res.status !== 422) return undefined
  try {
    const body = parseJson(res.body)
    if (!isObject(body)) return undefined
    const messages = Object.values(body)
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .filter((m): m is string => typeof m === 'string')
    return messages.length === 0 ? undefined : messages.join(' ').slice(0, 500)
  } catch {
    return undefined
  }
}

export interface JsonRead<T> {
  kind: CacheKind
  tags: string[]
  query?: Record<string, string | number | undefined>
  /** Maps the parsed JSON; what it returns is cached, so it must hold nothing secret. */
  map: (json: unknown) => T
  /** Read the upstream now (the read-back after a write; see the engine's `ReadOptions.fresh`). */
  fresh?: boolean
}

export abstract class SnappyResource {
  protected readonly engine: UpstreamEngine

  constructor(client: UpstreamEngine) {
    this.engine = client
  }

  protected get connection(): string {
    return this.engine.connection.name
  }

  protected read<T>(path: string, options: JsonRead<T>): Promise<T> {
    return this.engine.read(
      { method: 'GET', path, query: options.query, headers: ACCEPT_JSON },
      {
        kind: options.kind,
        tags: options.tags,
        decode: (res) => options.map(parseJson(res.body)),
        describe: describeSnappy,
        fresh: options.fresh === true,
      },
    )
  }

  /**
   * A cached list read (`fresh`: read the upstream now): the answer must be an array (`what`
   * names it in a decode error), each element mapped on its own.
   */
  protected readList<T>(
    path: string,
    tags: string[],
    what: string,
    mapOne: (item: unknown) => T,
    query?: JsonRead<T[]>['query'],
    fresh = false,
  ): Promise<T[]> {
    return this.read(path, { kind: 'list', tags, query, fresh, map: (json) => asArray(json, what).map(mapOne) })
  }

  protected send(method: UpstreamMethod, path: string, body: unknown, invalidate: string[]): Promise<UpstreamResponse> {
    return this.engine.write(
      {
        method,
        path,
        headers:
          body === undefined ? ACCEPT_JSON : { ...ACCEPT_JSON, 'content-type': 'application/json; charset=utf-8' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      { invalidate, describe: describeSnappy },
    )
  }
}

/**
 * The answers of most Snappy writes are undocumented. When one holds the record, it is
 * used; otherwise (`undefined`) the caller reads the record back.
 */
export function answerAs<T>(res: UpstreamResponse, map: (json: unknown) => T): T | undefined {
  try {
    return map(parseJson(res.body))
  } catch (err) {
    if (err instanceof SnappyDecodeError) return undefined
    throw err
  }
}

/** For upstream answers that should have held something and did not. */
export function badAnswer(connection: string, what: string): ProblemError {
  return badUpstreamResponse(connection, 'snappy', 200, `did not answer with ${what}`)
}

/** A record the upstream answered for but did not contain (Snappy has no single-record reads for most things). */
export function notFound(connection: string, what: string): ProblemError {
  return upstreamNotFound(connection, 'snappy', 200, what)
}

/** One record of a list read, by its upstream id (for resources Snappy reads only as lists). */
export function found<T extends { remoteId: string }>(list: T[], id: string, connection: string, what: string): T {
  const record = list.find((r) => r.remoteId === id)
  if (record === undefined) throw notFound(connection, what)
  return record
}

/**
 * The record with the highest upstream id: after a create whose answer held no record, the
 * new one is the newest of those that match what was sent.
 */
export function newest<T extends { remoteId: string }>(list: T[], connection: string, what: string): T {
  const record = [...list].sort((a, b) => Number(b.remoteId) - Number(a.remoteId))[0]
  if (record === undefined) throw badAnswer(connection, what)
  return record
}
