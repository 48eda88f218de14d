/**
 * Snappy's directory (accounts, an account's mailboxes and staff): from the store when it
 * serves the connection, else from the upstream.
 */
import type { DirectoryKind } from '../store/directory.js'
import type { Store } from '../store/index.js'
import { type Valued, upstreamAnswer } from './answer.js'
import { storeOr, storeServes } from './store-reads.js'

export class DirectoryRecords {
  readonly #store: Store | null

  constructor(store: Store | null) {
    this.#store = store
  }

  /** A part of the directory of `connection` (`account`: whose mailboxes or staff), as `upstream` reads it when the store cannot. */
  async list<T>(
    connection: string,
    kind: DirectoryKind,
    account: string | null,
    upstream: () => Promise<T[]>,
  ): Promise<Valued<T[]>> {
    const store = this.#store
    const fromUpstream = async () => upstreamAnswer(await upstream())
    if (store === null || !(await storeServes(store, [connection]))) return fromUpstream()
    return storeOr(async () => {
      const value = await store.directory.list<T>(connection, kind, account)
      return { value, dataAge: await store.dataAge([connection]) }
    }, fromUpstream)
  }
}
