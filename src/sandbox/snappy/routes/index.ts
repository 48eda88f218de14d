/** Every documented Snappy endpoint; registered under `/api/v1` by the simulator. */
import type { FastifyInstance } from 'fastify'
import { accountRoutes } from './accounts.js'
import type { RouteContext } from './context.js'
import { documentRoutes } from './documents.js'
import { faqQuestionRoutes } from './faq-questions.js'
import { faqTopicRoutes } from './faq-topics.js'
import { faqRoutes } from './faqs.js'
import { noteRoutes } from './notes.js'
import { queueRoutes } from './queues.js'
import { ticketRoutes } from './tickets.js'
import { wallRoutes } from './wall.js'

export function registerSnappyRoutes(app: FastifyInstance, context: RouteContext): void {
  accountRoutes(app, context)
  queueRoutes(app, context)
  ticketRoutes(app, context)
  noteRoutes(app, context)
  documentRoutes(app, context)
  wallRoutes(app, context)
  faqRoutes(app, context)
  faqTopicRoutes(app, context)
  faqQuestionRoutes(app, context)
}
