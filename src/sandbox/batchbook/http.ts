/** Reply and request helpers shared by the BatchBook simulator's routes. */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { readBody, type RequestBody } from './body.js'
import { type CommunicationView, errorsDocument } from './documents.js'
import type { Communication } from './model.js'
import type { BatchBookStore } from './store.js'

export const XML_CONTENT_TYPE = 'application/xml; charset=utf-8'

/** What the route modules share. */
export interface RouteContext {
  store: BatchBookStore
  /** Name of the BatchBook user a credential belongs to (the author of its comments). */
  userFor: (credential: string) => string
  /** The most communications one page gives, whatever `limit` asks (none: any limit is honoured). */
  maxPageSize?: number
}

export function sendXml(reply: FastifyReply, document: string, status = 200): FastifyReply {
  return reply.code(status).type(XML_CONTENT_TYPE).send(document)
}

export function sendErrors(reply: FastifyReply, status: number, messages: string[]): FastifyReply {
  return sendXml(reply, errorsDocument(messages), status)
}

/**
 * What Rails answers for a missing record or route in production: its static 404 page.
 * Clients only look at the status.
 */
export function sendNotFound(reply: FastifyReply): FastifyReply {
  return reply
    .code(404)
    .type('text/html; charset=utf-8')
    .send(
      `<!DOCTYPE html>\n<html>\n<head><title>The page you were looking for doesn't exist (404)</title></head>\n<body><h1>The page you were looking for doesn't exist.</h1></body>\n</html>\n`,
    )
}

/** An empty 200: BatchBook's answer to updates and deletes. */
export function sendOk(reply: FastifyReply): FastifyReply {
  return reply.code(200).send()
}

/**
 * 201 with an empty body and the new record's address. The origin is taken from the request,
 * so a client of the simulator can follow the Location wherever the simulator listens.
 */
export function sendCreated(request: FastifyRequest, reply: FastifyReply, path: string): FastifyReply {
  return reply.code(201).header('location', `${request.protocol}://${request.host}${path}`).send()
}

/** The single value of a query parameter; the last one wins when repeated (as in Rails). */
export function queryValue(request: FastifyRequest, name: string): string | undefined {
  const query = request.query as Record<string, string | string[] | undefined>
  const value = query[name]
  return Array.isArray(value) ? value[value.length - 1] : value
}

export function viewOf(store: BatchBookStore, communication: Communication): CommunicationView {
  return {
    communication,
    tags: store.tagsOf(communication.id) ?? [],
    comments: store.commentsOf(communication.id),
  }
}

/** Reads `:id` style path parameters; the routes only match digits, so this only guards overflow. */
export function idParam(value: string): number {
  const id = Number(value)
  return Number.isSafeInteger(id) ? id : -1
}

/**
 * A plain parameter from the query string or a form body. Both travel: the C# client puts
 * participant parameters in the query, the PHP client in a form body. As in Rails, the query
 * string wins when both carry the same name.
 */
export function paramOf(request: FastifyRequest, body: RequestBody, name: string): string | undefined {
  const fromQuery = queryValue(request, name)
  if (fromQuery !== undefined) return fromQuery
  return body.kind === 'form' ? (body.fields.get(name) ?? undefined) : undefined
}

/** The parsed body of a request (the routes' content parser hands over the raw text). */
export function bodyOf(request: FastifyRequest): RequestBody {
  return readBody(request.headers['content-type'], request.body)
}
