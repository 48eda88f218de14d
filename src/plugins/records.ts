/**
 * Gives the routes the records layer (`app.records`, built on the app's store), and the two
 * things every records read shares at the HTTP edge: whether the client asked for a fresh read
 * (`Cache-Control: no-cache`, honoured here for every route) and how an answer is sent
 * (`X-Data-Age`, and stored JSON as it is).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { type Answer, Records, type Valued } from '../records/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    records: Records
  }
}

/** Whether the request asks for the upstream's answer rather than a kept copy. */
export function wantsFresh(request: FastifyRequest): boolean {
  return /\bno-cache\b/i.test(request.headers['cache-control'] ?? '')
}

/**
 * Sends an answer: `X-Data-Age` says how many seconds ago its data was last known to match the
 * upstream (0: read just now). Stored JSON goes out as it is (each record is kept as the JSON
 * its schema's serializer would produce; with a JSON content type set, Fastify sends a string
 * without serializing it again: at 100,000 messages that was most of a page's cost).
 */
export function send<T>(reply: FastifyReply, answer: Valued<T>): T
export function send<T>(reply: FastifyReply, answer: Answer<T>): T | string
export function send<T>(reply: FastifyReply, answer: Answer<T>): T | string {
  void reply.header('x-data-age', String(answer.dataAge))
  if ('value' in answer) return answer.value
  void reply.header('content-type', 'application/json; charset=utf-8')
  return answer.json
}

async function records(app: FastifyInstance): Promise<void> {
  const { config } = app
  const options = {
    sync: config.store.sync,
    events: config.events,
    operations: config.operations,
    intervalOf: (connection: string) => app.upstreams.get(connection)?.engine.scheduler.intervalMs ?? 0,
  }
  app.decorate('records', new Records(app.store, options, app.log))
}

export default fp(records, { name: 'records' })
