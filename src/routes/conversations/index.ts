/** Snappy tickets as conversations. */
import type { FastifyInstance } from 'fastify'
import conversationAttachmentRoute from './attachments.js'
import conversationItemRoutes from './item.js'
import conversationListRoute from './list.js'

export default async function conversationRoutes(app: FastifyInstance): Promise<void> {
  await app.register(conversationListRoute)
  await app.register(conversationItemRoutes)
  await app.register(conversationAttachmentRoute)
}
