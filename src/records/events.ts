/**
 * The change feed as the routes read it: pages of the event log for one key, resumable by
 * cursor, and the answer for a cursor older than the retention. The log lives in the store;
 * `REPLICA=false` turns both off (503).
 */
import type { EventsConfig } from '../config.js'
import { cursorExpired, replicaNotReady } from '../errors.js'
import { decodeFeedCursor, encodeFeedCursor } from '../events/feed.js'
import type { ChangeEvent } from '../store/events.js'
import type { Store } from '../store/index.js'

const DAY_MS = 86_400_000

/** The store, or 503: the event log and webhook endpoints live in it. */
export function requireStore(store: Store | null): Store {
  if (store === null)
    throw replicaNotReady('The change feed and webhooks need the store, which is turned off (REPLICA=false)', 3600)
  return store
}

export interface FeedQuery {
  /** The key reading: it sees its own key-scoped events too. */
  keyName: string
  /** The connections whose events it gets (those it may use, or the one it named). */
  connections: readonly string[]
  cursor?: string
  types?: readonly string[]
  limit: number
}

export interface FeedPage {
  data: ChangeEvent[]
  nextCursor: string
  hasMore: boolean
}

export class EventRecords {
  readonly #store: Store | null
  readonly #config: EventsConfig

  constructor(store: Store | null, config: EventsConfig) {
    this.#store = store
    this.#config = config
  }

  /** A page of the feed after the cursor (from the oldest event kept without one). */
  async list(query: FeedQuery): Promise<FeedPage> {
    const store = requireStore(this.#store)
    const after = query.cursor === undefined ? 0 : decodeFeedCursor(query.cursor)
    if (query.cursor !== undefined && after < (await store.events.prunedThrough()))
      throw cursorExpired(this.#config.retentionMs / DAY_MS)
    const rows = await store.events.list({
      afterSeq: after,
      connections: query.connections,
      keyName: query.keyName,
      ...(query.types === undefined ? {} : { types: query.types }),
      limit: query.limit,
    })
    const page = rows.slice(0, query.limit)
    return {
      data: page.map((r) => r.event),
      nextCursor: encodeFeedCursor(page.at(-1)?.seq ?? after),
      hasMore: rows.length > query.limit,
    }
  }
}
