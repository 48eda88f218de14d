/** Every route plugin of the gateway, registered in one place. */
import type { FastifyInstance } from 'fastify'
import healthRoutes from './health/index.js'
import messageRoutes from './messages/index.js'
import sourceRoutes from './sources/index.js'

export default async function routes(app: FastifyInstance): Promise<void> {
  await app.register(healthRoutes)
  await app.register(sourceRoutes)
  await app.register(messageRoutes)
}
