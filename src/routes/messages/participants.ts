import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { ParticipantInputSchema, ParticipantListSchema, RoleSchema } from '../../schemas/message-parts.js'
import { ref } from '../../schemas/ref.js'
import { IdempotencyHeaders } from '../../schemas/idempotency.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import type { ParticipantRole } from '../../upstreams/adapter.js'
import type { SourceKind } from '../../upstreams/source.js'
import { decodeIdFor, idPattern } from '../../ids.js'
import { MessageIdParams } from './query.js'
import { CONTACT_ID_PARTS } from '../../plugins/connections.js'

type Params = Static<typeof MessageIdParams>
const PROBLEMS = problemResponses(...UPSTREAM_PROBLEMS, 404, 405, 422)
const WRITE_PROBLEMS = { ...WRITE_RESPONSES, ...problemResponses(...UPSTREAM_PROBLEMS, 404, 405) }
const ContactParams = Type.Object(
  {
    id: MessageIdParams.properties.id,
    contactId: Type.String({ pattern: idPattern('contact'), description: 'A contact id (`ctc_…`).' }),
  },
  { additionalProperties: false },
)

/** A contact id's parts, checked to belong to the message's own connection (participants never cross connections). */
function contactPartsOn(contactId: string, connection: { name: string; source: SourceKind }): readonly string[] {
  return decodeIdFor('contact', contactId, connection, CONTACT_ID_PARTS[connection.source])
}

export default async function participantRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: Params; Querystring: { role?: ParticipantRole } }>(
    '/v1/messages/:id/participants',
    {
      schema: {
        operationId: 'listMessageParticipants',
        summary: 'List the participants of a message',
        description: 'Who the message was from, to and copied to; `role` narrows the list.',
        tags: ['Messages'],
        params: MessageIdParams,
        querystring: Type.Object({ role: Type.Optional(RoleSchema) }, { additionalProperties: false }),
        response: { 200: ref(ParticipantListSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const target = request.resolveMessage(request.params.id)
      return { data: await app.records.messages.listParticipants(target, request.query.role), nextCursor: null }
    },
  )

  app.post<{ Params: Params; Body: { contactId: string; role: ParticipantRole } }>(
    '/v1/messages/:id/participants',
    {
      schema: {
        operationId: 'addMessageParticipant',
        summary: 'Add a participant to a message',
        description: 'Adds a contact of the same connection in a role; answers with all participants.',
        tags: ['Messages'],
        headers: IdempotencyHeaders,
        params: MessageIdParams,
        body: ref(ParticipantInputSchema),
        response: { 200: ref(ParticipantListSchema), ...WRITE_PROBLEMS, ...problemResponses(409) },
      },
      config: { idempotent: true },
    },
    async (request) => {
      const target = request.resolveMessage(request.params.id)
      const contactParts = contactPartsOn(request.body.contactId, target.adapter.connection)
      const participants = await app.records.messages.addParticipant(target, contactParts, request.body.role)
      return { data: participants, nextCursor: null }
    },
  )

  app.delete<{ Params: Static<typeof ContactParams>; Querystring: { role: ParticipantRole } }>(
    '/v1/messages/:id/participants/:contactId',
    {
      schema: {
        operationId: 'removeMessageParticipant',
        summary: 'Remove a participant from a message',
        description: 'Removes the contact in the given role.',
        tags: ['Messages'],
        params: ContactParams,
        querystring: Type.Object({ role: RoleSchema }, { additionalProperties: false }),
        response: { 204: Type.Null({ description: 'Removed.' }), ...WRITE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const target = request.resolveMessage(request.params.id)
      const { contactId } = request.params
      const contactParts = contactPartsOn(contactId, target.adapter.connection)
      await app.records.messages.removeParticipant(target, contactParts, contactId, request.query.role)
      return reply.code(204).send()
    },
  )
}
