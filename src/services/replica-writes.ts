/**
 * Writes through: once an upstream accepted a write, the replica is changed before the answer
 * goes out, so a read that follows (on any gateway sharing the store) sees it. The write
 * already happened upstream, so a store failure never becomes the write's failure: while the
 * store is unreachable the change waits in the journal and is applied, with its event and
 * deliveries, once the store is back (see replica/journal.ts); a change that fails for another
 * reason is logged, and the next sync pass brings the replica back in line.
 */
import type { FastifyRequest } from 'fastify'
import { ProblemError } from '../errors.js'
import type { Replica } from '../replica/index.js'

export async function writeThrough(
  request: FastifyRequest,
  what: string,
  change: (replica: Replica) => Promise<unknown>,
): Promise<void> {
  const replica = request.server.replica
  if (replica === null) return
  try {
    const outcome = await replica.record({ what, apply: change })
    if (outcome === 'journaled')
      request.log.warn(`the store is unreachable: ${what} is kept until it is back (${replica.journal.size} waiting)`)
  } catch (err) {
    request.log.warn({ err }, `replica not updated after ${what}; the sync will catch up`)
  }
}

/**
 * Runs an upstream read of one record; when the upstream answers 404, the record was deleted
 * there: the replica forgets it at once (its deletion event included), so it leaves the
 * timeline now rather than at the next reconcile, and no later read or sync step asks for it
 * again. The 404 still reaches the client.
 */
export async function readOrForget<T>(
  request: FastifyRequest,
  read: () => Promise<T>,
  forget: (replica: Replica) => Promise<unknown>,
): Promise<T> {
  try {
    return await read()
  } catch (err) {
    if (err instanceof ProblemError && err.status === 404 && err.upstream !== undefined)
      await writeThrough(request, 'a record found deleted upstream', forget)
    throw err
  }
}
