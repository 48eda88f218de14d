/** `/v1/messages` and its sub-resources, for every source. */
import type { FastifyInstance } from 'fastify'
import commentRoutes from './comments.js'
import createMessageRoute from './create.js'
import messageItemRoutes from './item.js'
import listMessagesRoute from './list.js'
import participantRoutes from './participants.js'
import tagRoutes from './tags.js'

export default async function messageRoutes(app: FastifyInstance): Promise<void> {
  await app.register(listMessagesRoute)
  await app.register(createMessageRoute)
  await app.register(messageItemRoutes)
  await app.register(participantRoutes)
  await app.register(tagRoutes)
  await app.register(commentRoutes)
}
