/** Show, list/search, create, update and destroy of communications. */
import type { FastifyInstance } from 'fastify'
import { BATCHBOOK_PATHS, parseBatchBookTime } from '../../../upstreams/batchbook/wire.js'
import { resourceFields } from '../body.js'
import { communicationDocument, communicationsDocument } from '../documents.js'
import { unprocessable } from '../errors.js'
import { bodyOf, idParam, type RouteContext, sendCreated, sendNotFound, sendOk, sendXml, viewOf } from '../http.js'
import { type Ctype, normalizeCtype } from '../model.js'
import { communicationQuery } from '../search.js'
import type { CommunicationPatch } from '../store.js'

const FIELDS = ['subject', 'body', 'date', 'ctype'] as const

/** Validates the fields of a create or update body into a patch (422 on invalid values). */
function patchFrom(fields: Partial<Record<(typeof FIELDS)[number], string>>, creating: boolean): CommunicationPatch {
  const patch: CommunicationPatch = {}
  const errors: string[] = []
  if (fields.subject !== undefined) patch.subject = fields.subject
  if (fields.body !== undefined) patch.body = fields.body
  if (fields.ctype !== undefined || creating) {
    const ctype = normalizeCtype(fields.ctype ?? '')
    if (ctype === null) errors.push('Ctype is not included in the list (email, note, phone, chat)')
    else patch.ctype = ctype
  }
  // A blank date means "not given": creation then uses the current time.
  if (fields.date !== undefined && fields.date.trim() !== '') {
    const date = parseBatchBookTime(fields.date)
    if (date === null) errors.push('Date is invalid (expected e.g. Jul 01 13:37:38 UTC 2010)')
    else patch.date = date
  }
  if (errors.length > 0) throw unprocessable(...errors)
  return patch
}

export function communicationRoutes(app: FastifyInstance, { store, maxPageSize }: RouteContext): void {
  app.get<{ Params: { id: string } }>(BATCHBOOK_PATHS.communication.pattern, async (request, reply) => {
    const communication = store.getCommunication(idParam(request.params.id))
    if (communication === undefined) return sendNotFound(reply)
    return sendXml(reply, communicationDocument(viewOf(store, communication)))
  })

  // List All and Search are the same route: without search parameters every record matches.
  app.get(BATCHBOOK_PATHS.communications.pattern, async (request, reply) => {
    const query = communicationQuery(request)
    if (maxPageSize !== undefined) query.limit = Math.min(query.limit ?? maxPageSize, maxPageSize)
    const found = store.listCommunications(query)
    return sendXml(reply, communicationsDocument(found.map((c) => viewOf(store, c))))
  })

  app.post(BATCHBOOK_PATHS.communications.pattern, async (request, reply) => {
    const patch = patchFrom(resourceFields(bodyOf(request), 'communication', FIELDS), true)
    const created = store.createCommunication({ ...patch, ctype: patch.ctype as Ctype })
    return sendCreated(request, reply, BATCHBOOK_PATHS.communication.path({ id: created.id }))
  })

  app.put<{ Params: { id: string } }>(BATCHBOOK_PATHS.communication.pattern, async (request, reply) => {
    const id = idParam(request.params.id)
    if (store.getCommunication(id) === undefined) return sendNotFound(reply)
    store.updateCommunication(id, patchFrom(resourceFields(bodyOf(request), 'communication', FIELDS), false))
    return sendOk(reply)
  })

  app.delete<{ Params: { id: string } }>(BATCHBOOK_PATHS.communication.pattern, async (request, reply) => {
    if (!store.deleteCommunication(idParam(request.params.id))) return sendNotFound(reply)
    return sendOk(reply)
  })
}
