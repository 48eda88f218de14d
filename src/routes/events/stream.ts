/**
 * `GET /v1/events/stream`: the change feed as server-sent events, for an internal web app that
 * wants changes as they are written without a public webhook URL. The same events, rules and
 * filters as `/v1/events`; each event's SSE `id` is the feed cursor after it, so a client that
 * reconnects (EventSource does so by itself) resumes with `Last-Event-ID` and misses nothing.
 *
 * A stream lasts at most `STREAM_MAX_MS` and then ends, so no request lives without a bound;
 * the client reconnects where it stopped. A comment line every `HEARTBEAT_MS` keeps proxies
 * from closing an idle stream. The store is looked at every `POLL_MS` (appends may come from
 * any gateway).
 */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import type { FeedEntry } from '../../records/events.js'
import { problemResponses } from '../../schemas/responses.js'
import { CONNECTION_NAME_SOURCE, EVENT_TYPES_SOURCE } from '../../rules.js'

const POLL_MS = 1_000
const HEARTBEAT_MS = 15_000
const STREAM_MAX_MS = 15 * 60_000
/** Events written at once; more are there already: the next batch follows without a pause. */
const BATCH = 100
/** What a reconnecting EventSource waits first (ms), sent as the stream's `retry`. */
const RECONNECT_MS = 2_000

const Query = Type.Object(
  {
    cursor: Type.Optional(
      Type.String({ maxLength: 200, description: 'Start after this feed cursor; `Last-Event-ID` takes precedence.' }),
    ),
    types: Type.Optional(
      Type.String({
        pattern: EVENT_TYPES_SOURCE,
        description: 'Only these event types, comma-separated (`message.created,conversation.updated`).',
      }),
    ),
    connection: Type.Optional(Type.String({ pattern: CONNECTION_NAME_SOURCE, description: 'Only this connection.' })),
  },
  { additionalProperties: false },
)

const Headers = Type.Object({
  'last-event-id': Type.Optional(
    Type.String({ maxLength: 200, description: 'The `id` of the last event received: the stream resumes after it.' }),
  ),
})

/** One server-sent event: the event's type as its name, the feed cursor after it as its id. */
function sse(entry: FeedEntry): string {
  return `id: ${entry.cursor}\nevent: ${entry.event.type}\ndata: ${JSON.stringify(entry.event)}\n\n`
}

export default async function eventStreamRoute(app: FastifyInstance): Promise<void> {
  const open = new Set<AbortController>()
  // Streams end before the server closes: a shutdown must not wait out their bound.
  app.addHook('preClose', async () => {
    for (const stream of open) stream.abort()
  })

  app.get<{ Querystring: Static<typeof Query>; Headers: Static<typeof Headers> }>(
    '/v1/events/stream',
    {
      schema: {
        operationId: 'streamEvents',
        summary: 'Follow the change feed live',
        description:
          'The events of `/v1/events` as server-sent events (`text/event-stream`), as they are written: `event` is the event’s `type`, `data` the `Event` as JSON, `id` the feed cursor after it. ' +
          'Reconnect with `Last-Event-ID` (EventSource does) to resume where the stream stopped. A comment line comes every 15 s while nothing happens; a stream ends after 15 minutes (reconnect). ' +
          'Errors before the stream begins (a bad filter, an expired cursor) are problems as usual.',
        tags: ['Events'],
        querystring: Query,
        headers: Headers,
        produces: ['text/event-stream'],
        response: {
          200: {
            description: 'A stream of server-sent events, each `data` an `Event`.',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...problemResponses(400, 401, 403, 404, 410, 503),
        },
      },
    },
    async (request, reply) => {
      const { query } = request
      const keyName = request.caller?.name ?? ''
      const connections =
        query.connection === undefined
          ? request.usableConnections().map((a) => a.connection.name)
          : [request.namedConnection(query.connection, 'querystring/connection').connection.name]
      const types = query.types?.split(',')
      const follow = (cursor: string | undefined) =>
        app.records.events.read({
          keyName,
          connections,
          ...(cursor === undefined ? {} : { cursor }),
          ...(types === undefined ? {} : { types }),
          limit: BATCH,
        })
      // The first read answers a bad or expired cursor as a problem, before the stream begins.
      let batch = await follow(request.headers['last-event-id'] ?? query.cursor)
      const stop = new AbortController()
      open.add(stop)
      request.raw.once('close', () => stop.abort())
      reply.hijack()
      const out = reply.raw
      out.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      })
      out.write(`retry: ${RECONNECT_MS}\n\n`)
      const clock = app.clock
      const ends = clock.now() + STREAM_MAX_MS
      let quietSince = clock.now()
      try {
        while (!stop.signal.aborted && clock.now() < ends) {
          if (batch.entries.length > 0) {
            out.write(batch.entries.map(sse).join(''))
            quietSince = clock.now()
          } else if (clock.now() - quietSince >= HEARTBEAT_MS) {
            out.write(': heartbeat\n\n')
            quietSince = clock.now()
          }
          if (!batch.hasMore) await clock.sleep(Math.min(POLL_MS, Math.max(0, ends - clock.now())), stop.signal)
          if (stop.signal.aborted) break
          batch = await follow(batch.resumeCursor).catch((err: unknown) => {
            // A store that stops answering ends the stream; the client reconnects where it was.
            request.log.warn({ err }, 'the event stream could not read the feed; ending it')
            stop.abort()
            return batch
          })
        }
      } finally {
        open.delete(stop)
        out.end()
      }
    },
  )
}
