/**
 * Writes through: once an upstream accepted a write, the replica is changed before the answer
 * goes out, so a read that follows (on any replica sharing the store) sees it. The write
 * already happened upstream, so a store that fails here is logged, never reported as the
 * write's failure; the next sync pass brings the replica back in line.
 */
import type { FastifyRequest } from 'fastify'
import type { Replica } from '../replica/index.js'

export async function writeThrough(
  request: FastifyRequest,
  what: string,
  change: (replica: Replica) => Promise<unknown>,
): Promise<void> {
  const replica = request.server.replica
  if (replica === null) return
  try {
    await change(replica)
  } catch (err) {
    request.log.warn({ err }, `replica not updated after ${what}; the sync will catch up`)
  }
}
