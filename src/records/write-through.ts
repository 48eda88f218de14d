/**
 * Writes through: once an upstream accepted a write, the store is changed before the answer
 * goes out, so a read that follows (on any gateway sharing the store) sees it. The write
 * already happened upstream, so a store failure never becomes the write's failure: while the
 * store is unreachable the change waits in the journal and is applied, with its event and
 * deliveries, once the store is back (see store/journal.ts); a change that fails for another
 * reason is logged, and the next sync pass brings the store back in line.
 */
import type { FastifyBaseLogger } from 'fastify'
import { ProblemError } from '../errors.js'
import type { Store } from '../store/index.js'

export class WriteThrough {
  constructor(
    readonly store: Store | null,
    readonly log: FastifyBaseLogger,
  ) {}

  async apply(what: string, change: (store: Store) => Promise<unknown>): Promise<void> {
    const store = this.store
    if (store === null) return
    try {
      const outcome = await store.record({ what, apply: change })
      if (outcome === 'journaled')
        this.log.warn(`the store is unreachable: ${what} is kept until it is back (${store.journal.size} waiting)`)
    } catch (err) {
      this.log.warn({ err }, `store not updated after ${what}; the sync will catch up`)
    }
  }

  /**
   * Runs an upstream read of one record; when the upstream answers 404, the record was deleted
   * there: the store forgets it at once (its deletion event included), so it leaves the
   * timeline now rather than at the next reconcile, and no later read or sync step asks for it
   * again. The 404 still reaches the client.
   */
  async readOrForget<T>(read: () => Promise<T>, forget: (store: Store) => Promise<unknown>): Promise<T> {
    try {
      return await read()
    } catch (err) {
      if (err instanceof ProblemError && err.status === 404 && err.upstream !== undefined)
        await this.apply('a record found deleted upstream', forget)
      throw err
    }
  }
}
