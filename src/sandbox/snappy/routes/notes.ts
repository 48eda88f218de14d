/**
 * `POST /note`: answers 200 `text/html; charset=UTF-8` whose body is just the ticket's
 * nonce, as the live service does.
 */
import type { FastifyInstance } from 'fastify'
import { SNAPPY_PATHS } from '../../../upstreams/snappy/wire.js'
import { bodyOf } from '../body.js'
import { readNotePayload } from '../domain/note-payload.js'
import { postNote } from '../domain/post-note.js'
import { HTML } from '../errors.js'
import { callerStaff, type RouteContext } from './context.js'

/** Base64 attachments travel inside the JSON body, so it may be larger than Fastify's 1 MiB. */
const NOTE_BODY_LIMIT = 32 * 1024 * 1024

export function noteRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.post(SNAPPY_PATHS.note.pattern, { bodyLimit: NOTE_BODY_LIMIT }, async (request, reply) => {
    const payload = readNotePayload(bodyOf(request))
    const ticket = postNote(store, callerStaff(store, request), payload)
    return reply.code(200).type(HTML).send(ticket.nonce)
  })
}
