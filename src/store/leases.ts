/**
 * Which gateway syncs a connection: the one holding its lease in the store. A lease is taken
 * when free or expired and renewed by its holder; a gateway that dies stops renewing, and
 * another takes over once the lease has expired. A gateway configured as the only one takes
 * any lease at once: another holder can only be its own predecessor, killed before it could
 * give the lease up. One row per connection, one statement to take it, in either dialect.
 */
import type { StoreDb } from './db.js'

export class SyncLeases {
  readonly #store: StoreDb

  constructor(store: StoreDb) {
    this.#store = store
  }

  /** Takes or renews the lease for `ttlMs`; true when `holder` has it now. `alone`: take it whoever holds it. */
  async acquire(connection: string, holder: string, ttlMs: number, alone = false): Promise<boolean> {
    const now = this.#store.clock.now()
    const { db } = this.#store
    await db
      .insertInto('sync_leases')
      .values({ connection, holder, expires_at: now + ttlMs })
      .onConflict((oc) => {
        const take = oc.column('connection').doUpdateSet({ holder, expires_at: now + ttlMs })
        return alone
          ? take
          : take.where((eb) => eb.or([eb('sync_leases.holder', '=', holder), eb('sync_leases.expires_at', '<', now)]))
      })
      .execute()
    const row = await db
      .selectFrom('sync_leases')
      .select('holder')
      .where('connection', '=', connection)
      .executeTakeFirst()
    return row?.holder === holder
  }

  /** Gives the lease up (on shutdown), so another replica need not wait for it to expire. */
  async release(connection: string, holder: string): Promise<void> {
    await this.#store.db
      .deleteFrom('sync_leases')
      .where('connection', '=', connection)
      .where('holder', '=', holder)
      .execute()
  }
}
