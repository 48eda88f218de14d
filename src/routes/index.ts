/** Every route plugin of the gateway, registered in one place. */
import type { FastifyInstance } from 'fastify'
import healthRoutes from './health/index.js'
import messageRoutes from './messages/index.js'
import sourceRoutes from './sources/index.js'
import accountRoutes from './accounts/index.js'
import contactRoutes from './contacts/index.js'
import conversationRoutes from './conversations/index.js'
import documentRoutes from './documents/index.js'
import faqsRoutes from './faqs/index.js'
import wallRoutes from './wall/index.js'
import eventRoutes from './events/index.js'
import webhookEndpointRoutes from './webhook-endpoints/index.js'
import operationRoutes from './operations/index.js'
import statusRoutes from './status/index.js'

export default async function routes(app: FastifyInstance): Promise<void> {
  // Request bodies are JSON (and multipart for document uploads, registered there). Fastify's
  // built-in text/plain parser would hand a string to a JSON route, whose schema then reports
  // 400 rather than the 415 an unsupported media type deserves.
  app.removeContentTypeParser('text/plain')
  await app.register(healthRoutes)
  await app.register(sourceRoutes)
  await app.register(messageRoutes)
  await app.register(accountRoutes)
  await app.register(contactRoutes)
  await app.register(conversationRoutes)
  await app.register(documentRoutes)
  await app.register(wallRoutes)
  await app.register(faqsRoutes)
  await app.register(eventRoutes)
  await app.register(webhookEndpointRoutes)
  await app.register(operationRoutes)
  await app.register(statusRoutes)
}
