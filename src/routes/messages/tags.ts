import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { TagListSchema, XML_SAFE_TEXT } from '../../schemas/message-parts.js'
import { ref } from '../../schemas/ref.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import { MessageIdParams } from './query.js'
import { messageIdOf, operation } from './operation.js'
import { writeThrough } from '../../services/replica-writes.js'

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
      const { adapter, parts } = request.resolveMessage(request.params.id)
      return { data: await operation(adapter, 'listTags', 'list tags of messages')(parts), nextCursor: null }
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
      const { adapter, parts } = request.resolveMessage(request.params.id)
      const tags = await operation(adapter, 'addTag', 'tag messages')(parts, request.params.tag)
      await writeThrough(request, 'a tag added', (r) =>
        r.messages.patch(
          messageIdOf(adapter, parts),
          (m) => {
            m.tags = tags
          },
          'switchboard',
        ),
      )
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
      const { adapter, parts } = request.resolveMessage(request.params.id)
      const tag = request.params.tag
      await operation(adapter, 'removeTag', 'untag messages')(parts, tag)
      await writeThrough(request, 'a tag removed', (r) =>
        r.messages.patch(
          messageIdOf(adapter, parts),
          (m) => {
            m.tags = m.tags.filter((t) => t !== tag)
          },
          'switchboard',
        ),
      )
      return reply.code(204).send()
    },
  )
}
