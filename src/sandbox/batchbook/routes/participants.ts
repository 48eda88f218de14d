/**
 * Participants of a communication. Add and remove take `contact_id` (or `person_id` /
 * `company_id`) and `role` as plain parameters: the docs say these requests have no XML root,
 * so they come in the query string or a form body, and an XML body carries none of them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { BATCHBOOK_PATHS } from '../../../upstreams/batchbook/wire.js'
import type { RequestBody } from '../body.js'
import { participantsDocument } from '../documents.js'
import { unprocessable } from '../errors.js'
import { bodyOf, idParam, paramOf, queryValue, type RouteContext, sendNotFound, sendOk, sendXml } from '../http.js'
import { type ContactKind, normalizeRole, type ParticipantRole } from '../model.js'
import type { BatchBookStore } from '../store.js'

const ROLE_ERROR = 'Role is not included in the list (to, from, cc, bcc)'

/** Which parameter names a contact, and which kind of contact it must then be. */
const CONTACT_PARAMS: Array<[name: string, kind: ContactKind | undefined]> = [
  ['contact_id', undefined],
  ['person_id', 'person'],
  ['company_id', 'company'],
]

interface ParticipantParams {
  contactId: number
  kind: ContactKind | undefined
  role: ParticipantRole
}

function participantParams(request: FastifyRequest, body: RequestBody): ParticipantParams {
  const errors: string[] = []
  let contact: { contactId: number; kind: ContactKind | undefined } | undefined
  for (const [name, kind] of CONTACT_PARAMS) {
    const text = paramOf(request, body, name)?.trim()
    if (text === undefined || text === '') continue
    if (/^\d+$/.test(text)) contact = { contactId: Number(text), kind }
    else errors.push(`${name} must be an integer`)
    break
  }
  if (contact === undefined && errors.length === 0)
    errors.push("Contact can't be blank (contact_id, person_id or company_id)")
  const role = normalizeRole(paramOf(request, body, 'role') ?? '')
  if (role === null) errors.push(ROLE_ERROR)
  if (errors.length > 0 || contact === undefined || role === null) throw unprocessable(...errors)
  return { ...contact, role }
}

/** The contact named, if it exists and is of the kind its parameter promises. */
function contactExists(store: BatchBookStore, { contactId, kind }: ParticipantParams): boolean {
  const contact = store.getContact(contactId)
  return contact !== undefined && (kind === undefined || contact.kind === kind)
}

export function participantRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get<{ Params: { id: string } }>(BATCHBOOK_PATHS.participants.pattern, async (request, reply) => {
    const id = idParam(request.params.id)
    if (store.getCommunication(id) === undefined) return sendNotFound(reply)
    const roleText = queryValue(request, 'role')?.trim()
    let role: ParticipantRole | undefined
    if (roleText !== undefined && roleText !== '') {
      role = normalizeRole(roleText) ?? undefined
      if (role === undefined) throw unprocessable(ROLE_ERROR)
    }
    return sendXml(reply, participantsDocument(id, store.participantsOf(id, role) ?? []))
  })

  /** Add and remove check alike (communication, then parameters, then contact) and differ only in the change. */
  const change =
    (apply: (communicationId: number, contactId: number, role: ParticipantRole) => boolean) =>
    async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      const id = idParam(request.params.id)
      if (store.getCommunication(id) === undefined) return sendNotFound(reply)
      const params = participantParams(request, bodyOf(request))
      if (!contactExists(store, params)) return sendNotFound(reply)
      apply(id, params.contactId, params.role)
      return sendOk(reply)
    }

  app.put(
    BATCHBOOK_PATHS.addParticipant.pattern,
    change((id, contact, role) => store.addParticipant(id, contact, role)),
  )
  // Removing someone who is not a participant in that role changes nothing and still answers
  // 200: the end state is what the client asked for.
  app.delete(
    BATCHBOOK_PATHS.removeParticipant.pattern,
    change((id, contact, role) => store.removeParticipant(id, contact, role)),
  )
}
