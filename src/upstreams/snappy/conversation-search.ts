/**
 * Conversation search behind `limit`/`cursor`. Snappy pages search results by number with a
 * page size it does not document, so the cursor records the upstream page, how many of its
 * items were handed out, and how many results came before it (to compare with `meta.total`).
 * A call reads a bounded number of upstream pages and hands out what it has.
 */
import type { Conversation } from '../../schemas/conversation.js'
import { decodePageCursor, encodePageCursor } from './paging.js'
import type { ReadOptions, SnappyTickets } from './tickets.js'

const KIND = 'conversation-search'
const MAX_PAGES_PER_CALL = 5

export async function searchConversations(
  tickets: SnappyTickets,
  account: string,
  query: string,
  limit: number,
  cursor: string | undefined,
  options: ReadOptions,
): Promise<{ data: Conversation[]; nextCursor: string | null }> {
  let { p: page, s: skip, n: before } = cursor === undefined ? { p: 1, s: 0, n: 0 } : decodePageCursor(KIND, cursor, ['p', 's', 'n'] as const)
  const data: Conversation[] = []
  for (let reads = 0; reads < MAX_PAGES_PER_CALL && data.length < limit; reads++) {
    const result = await tickets.search(account, query, Math.max(1, page), options)
    const rest = result.items.slice(skip)
    const taken = rest.slice(0, limit - data.length)
    data.push(...taken)
    if (taken.length < rest.length) {
      skip += taken.length
      return { data, nextCursor: encodePageCursor(KIND, { p: page, s: skip, n: before }) }
    }
    const end = before + result.items.length
    if (result.items.length === 0 || end >= result.total) return { data, nextCursor: null }
    before = end
    page += 1
    skip = 0
  }
  return { data, nextCursor: encodePageCursor(KIND, { p: page, s: skip, n: before }) }
}
