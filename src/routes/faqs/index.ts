/** Snappy FAQs, their topics and questions. */
import type { FastifyInstance } from 'fastify'
import faqQuestionRoutes from './questions.js'
import faqRoutes from './faqs.js'
import faqTopicRoutes from './topics.js'

export default async function faqsRoutes(app: FastifyInstance): Promise<void> {
  await app.register(faqRoutes)
  await app.register(faqTopicRoutes)
  await app.register(faqQuestionRoutes)
}
