/** The team wall of a Snappy account: posts, comments, likes. */
import type { FastifyInstance } from 'fastify'
import wallPostRoutes from './posts.js'
import wallReactionRoutes from './reactions.js'

export default async function wallRoutes(app: FastifyInstance): Promise<void> {
  await app.register(wallPostRoutes)
  await app.register(wallReactionRoutes)
}
