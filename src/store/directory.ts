/**
 * Snappy's directory in the store: accounts, and each account's mailboxes and staff, kept
 * in the upstream's order and replaced whole on every read of them.
 */
import type { StoreDb } from './db.js'

export type DirectoryKind = 'account' | 'mailbox' | 'staff'

/** The `account_remote_id` of the accounts themselves (listed in no account). */
const ACCOUNTS = ''

export class DirectoryRecords {
  readonly #store: StoreDb

  constructor(store: StoreDb) {
    this.#store = store
  }

  /** Replaces the records of a kind (of one account, or the accounts themselves when `account` is null). */
  async replace<T extends { id: string }>(
    connection: string,
    kind: DirectoryKind,
    account: string | null,
    records: readonly T[],
  ): Promise<void> {
    await this.#store.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('directory')
        .where('connection', '=', connection)
        .where('kind', '=', kind)
        .where('account_remote_id', '=', account ?? ACCOUNTS)
        .execute()
      if (records.length === 0) return
      await trx
        .insertInto('directory')
        .values(
          records.map((record, position) => ({
            connection,
            kind,
            id: record.id,
            account_remote_id: account ?? ACCOUNTS,
            position,
            doc: JSON.stringify(record),
          })),
        )
        .execute()
    })
  }

  /** The records in upstream order (none when that part of the directory was never synced). */
  async list<T>(connection: string, kind: DirectoryKind, account: string | null): Promise<T[]> {
    const rows = await this.#store.db
      .selectFrom('directory')
      .select('doc')
      .where('connection', '=', connection)
      .where('kind', '=', kind)
      .where('account_remote_id', '=', account ?? ACCOUNTS)
      .orderBy('position')
      .execute()
    return rows.map((row) => JSON.parse(row.doc) as T)
  }
}
