/** Who holds a connection's sync lease, read from the store's table (the gateway never asks). */
import type { Store } from '../../src/store/index.js'

export async function leaseHolder(store: Store, connection: string): Promise<string | null> {
  const row = await store.db.db
    .selectFrom('sync_leases')
    .select(['holder', 'expires_at'])
    .where('connection', '=', connection)
    .executeTakeFirst()
  return row === undefined || row.expires_at < store.clock.now() ? null : row.holder
}
