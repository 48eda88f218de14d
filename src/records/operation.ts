/** The adapter operation behind a message resource, or a 405 naming what the source allows. */
import { unsupportedBySource } from '../errors.js'
import { encodeId } from '../ids.js'
import type { SourceAdapter } from '../upstreams/adapter.js'

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
function allowedMethods(adapter: SourceAdapter, name: Operation): string[] {
  const methods = Object.values(RESOURCES).find((resource) => Object.values(resource).includes(name)) ?? {}
  const allowed = Object.entries(methods)
    .filter(([, op]) => op === null || (op !== undefined && typeof adapter[op] === 'function'))
    .map(([method]) => method)
  // Fastify answers HEAD wherever it answers GET.
  return allowed.includes('GET') ? ['GET', 'HEAD', ...allowed.filter((m) => m !== 'GET')] : allowed
}

/** The operation, or 405 `unsupported_by_source` before any upstream call. */
export function operation<K extends Operation>(
  adapter: SourceAdapter,
  name: K,
  what: string,
): NonNullable<SourceAdapter[K]> {
  const op = adapter[name]
  if (typeof op !== 'function') {
    throw unsupportedBySource(`${adapter.connection.source} cannot ${what}`, allowedMethods(adapter, name))
  }
  return (op as (...args: unknown[]) => unknown).bind(adapter) as NonNullable<SourceAdapter[K]>
}

/** The message id in its one canonical form (the store's key), from what a request named. */
export function messageIdOf(adapter: SourceAdapter, parts: readonly string[]): string {
  return encodeId('message', {
    source: adapter.connection.source,
    connection: adapter.connection.name,
    parts: [...parts],
  })
}

/** A record a request named, checked against its key: its connection's adapter and upstream ids. */
export interface Target<A extends SourceAdapter = SourceAdapter> {
  adapter: A
  parts: readonly string[]
}
