/** `GET /v1/conversations/{id}/attachments/{attachmentId}`: streams a note's attachment. */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { notFound } from '../../errors.js'
import { problemResponses, UPSTREAM_PROBLEMS } from '../../schemas/responses.js'
import { ConversationRef, IdOf, connectionQuery, fileResponse } from '../../schemas/snappy-common.js'
import { sendUpstreamFile } from '../files.js'
import { NONCE } from '../../rules.js'

const Params = Type.Object(
  {
    id: ConversationRef,
    attachmentId: IdOf('attachment', 'An attachment id (`att_…`), as in a message’s `attachments`.'),
  },
  { additionalProperties: false },
)
const Query = Type.Object({ connection: Type.Optional(connectionQuery) }, { additionalProperties: false })

export default async function conversationAttachmentRoute(app: FastifyInstance): Promise<void> {
  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
    '/v1/conversations/:id/attachments/:attachmentId',
    {
      // A HEAD would fetch the whole file from Snappy only to drop it.
      exposeHeadRoute: false,
      schema: {
        operationId: 'downloadConversationAttachment',
        summary: 'Download an attachment',
        description: 'Streams the file with the content type and length Snappy sends.',
        tags: ['Conversations'],
        params: Params,
        querystring: Query,
        response: {
          200: fileResponse('The file, in its own media type.'),
          ...problemResponses(...UPSTREAM_PROBLEMS, 404, 405),
        },
      },
    },
    async (request, reply) => {
      const attachment = request.resolveSnappyId('attachment', request.params.attachmentId, 2)
      const { adapter, ref: ticket } = request.resolveConversation(
        request.params.id,
        request.query.connection ?? attachment.adapter.connection.name,
      )
      const [attachmentTicket, attachmentId] = attachment.parts as [string, string]
      // A conversation id must name the attachment's ticket; a nonce is checked by Snappy.
      if (adapter !== attachment.adapter || (!NONCE.test(ticket) && ticket !== attachmentTicket)) {
        throw notFound('That attachment is not in this conversation')
      }
      return sendUpstreamFile(reply, await adapter.tickets.attachment(ticket, attachmentId))
    },
  )
}
