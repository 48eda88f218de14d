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

/** An event with the cursor that resumes the feed after it (the stream's event id). */
export interface FeedEntry {
  cursor: string
  event: ChangeEvent
}

export interface FeedPage {
  data: ChangeEvent[]
  /** The next page while there are more events; null at the end (generic paginators stop). */
  nextCursor: string | null
  /** Where to resume, always: the feed has no end, only a present. */
  resumeCursor: string
  hasMore: boolean
}

export class EventRecords {
  readonly #store: Store | null
  readonly #config: EventsConfig

  constructor(store: Store | null, config: EventsConfig) {
    this.#store = store
    this.#config = config
  }

  /**
   * The events after the cursor (from the oldest kept without one), each with the cursor that
   * resumes after it, up to `limit`; `hasMore` when there are more already. 410 for a cursor
   * older than the retention.
   */
  async read(query: FeedQuery): Promise<{ entries: FeedEntry[]; resumeCursor: string; hasMore: boolean }> {
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
    const entries = rows.slice(0, query.limit).map((r) => ({ cursor: encodeFeedCursor(r.seq), event: r.event }))
    return {
      entries,
      resumeCursor: entries.at(-1)?.cursor ?? encodeFeedCursor(after),
      hasMore: rows.length > query.limit,
    }
  }

  /** A page of the feed (see `read`). */
  async list(query: FeedQuery): Promise<FeedPage> {
    const { entries, resumeCursor, hasMore } = await this.read(query)
    return { data: entries.map((e) => e.event), nextCursor: hasMore ? resumeCursor : null, resumeCursor, hasMore }
  }
}
