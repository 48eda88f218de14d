/**
 * `GET /v1/conversations` from the store: a queue across the accounts asked, longest
 * waiting first (oldest `lastReplyAt`, then id) as one query, resumed by a keyset cursor so
 * conversations arriving between pages are neither skipped nor repeated.
 */
import { decodeOpaque, encodeOpaque } from '../cursor.js'
import { invalidCursor } from '../errors.js'
import type { QueueQuery } from '../store/conversations.js'
import type { Store } from '../store/index.js'
import type { ConversationPage } from './conversation-list.js'
import { MAX_CONVERSATION_CURSOR_LENGTH } from './conversation-list.js'

type QueueKey = NonNullable<QueueQuery['after']>

const STORED_QUEUE_KIND = 'replica-queue'

/** The keyset of a store cursor; undefined for a cursor of the upstream path. */
export function decodeQueueKey(cursor: string): QueueKey | undefined {
  const fields = decodeOpaque(cursor, MAX_CONVERSATION_CURSOR_LENGTH, () => invalidCursor())
  if (fields.k !== STORED_QUEUE_KIND) return undefined
  const { r, i } = fields
  if (typeof r !== 'string' || r.length > 40 || typeof i !== 'string' || !/^conv_[A-Za-z0-9_-]{1,400}$/.test(i))
    throw invalidCursor()
  return { lastReplyAt: r, id: i }
}

export async function listStoredQueue(store: Store, query: QueueQuery): Promise<ConversationPage> {
  const rows = await store.conversations.listQueue(query)
  const data = rows.slice(0, query.limit)
  const last = data.at(-1)
  return {
    data,
    nextCursor:
      rows.length > query.limit && last !== undefined
        ? encodeOpaque({ k: STORED_QUEUE_KIND, r: last.lastReplyAt ?? '', i: last.id })
        : null,
  }
}
