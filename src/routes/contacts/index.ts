/** One contact by its opaque id. */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { ContactSchema } from '../../schemas/contact.js'
import { ref } from '../../schemas/ref.js'
import { UPSTREAM_PROBLEMS, problemResponses } from '../../schemas/responses.js'
import { IdOf } from '../../schemas/snappy-common.js'

const Params = Type.Object({ id: IdOf('contact', 'A contact id (`ctc_…`).') }, { additionalProperties: false })

export default async function contactRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: Static<typeof Params> }>(
    '/v1/contacts/:id',
    {
      schema: {
        operationId: 'getContact',
        summary: 'Get a contact',
        description: 'A Snappy contact. BatchBook contacts cannot be read through this API (405).',
        tags: ['Contacts'],
        params: Params,
        response: { 200: ref(ContactSchema), ...problemResponses(...UPSTREAM_PROBLEMS, 404, 405) },
      },
    },
    async (request) => {
      const { adapter, parts } = request.resolveSnappyId('contact', request.params.id, 2)
      return adapter.directory.contact(parts[0] as string, parts[1] as string)
    },
  )
}
