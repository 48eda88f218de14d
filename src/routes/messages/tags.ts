import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { TagListSchema, XML_SAFE_TEXT } from '../../schemas/message-parts.js'
import { ref } from '../../schemas/ref.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import { MessageIdParams } from './query.js'

type Params = Static<typeof MessageIdParams>
const PROBLEMS = problemResponses(...UPSTREAM_PROBLEMS, 404, 405, 422)
const WRITE_PROBLEMS = { ...WRITE_RESPONSES, ...problemResponses(...UPSTREAM_PROBLEMS, 404, 405) }
const TagParams = Type.Object(
  {
    id: MessageIdParams.properties.id,
    tag: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: XML_SAFE_TEXT,
      description: 'The tag name, URL-encoded (names may contain spaces).',
    }),
  },
  { additionalProperties: false },
)
type TagParamsType = Static<typeof TagParams>

export default async function tagRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: Params }>(
    '/v1/messages/:id/tags',
    {
      schema: {
        operationId: 'listMessageTags',
        summary: 'List the tags of a message',
        description: 'All tags of the message, in one page.',
        tags: ['Messages'],
        params: MessageIdParams,
        response: { 200: ref(TagListSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      return { data: await app.records.messages.listTags(request.resolveMessage(request.params.id)), nextCursor: null }
    },
  )

  app.put<{ Params: TagParamsType }>(
    '/v1/messages/:id/tags/:tag',
    {
      schema: {
        operationId: 'addMessageTag',
        summary: 'Tag a message',
        description: 'Adds the tag (a no-op when present); answers with all tags.',
        tags: ['Messages'],
        params: TagParams,
        response: { 200: ref(TagListSchema), ...WRITE_PROBLEMS },
      },
    },
    async (request) => {
      const tags = await app.records.messages.addTag(request.resolveMessage(request.params.id), request.params.tag)
      return { data: tags, nextCursor: null }
    },
  )

  app.delete<{ Params: TagParamsType }>(
    '/v1/messages/:id/tags/:tag',
    {
      schema: {
        operationId: 'removeMessageTag',
        summary: 'Remove a tag from a message',
        description: 'Removes the tag from the message; answers 204.',
        tags: ['Messages'],
        params: TagParams,
        response: { 204: Type.Null({ description: 'Removed.' }), ...WRITE_PROBLEMS },
      },
    },
    async (request, reply) => {
      await app.records.messages.removeTag(request.resolveMessage(request.params.id), request.params.tag)
      return reply.code(204).send()
    },
  )
}
