/**
 * `GET /v1/conversations` across Snappy accounts: a queue, or a search, of every account the
 * key may use (of every Snappy connection, or only the `account` or `mailbox` asked for),
 * as one list behind one cursor.
 *
 * Each account is a stream read from its own position and never reordered; the page takes
 * the best head of all streams, one conversation at a time, and the cursor records how far
 * each stream was consumed. So walking the cursor never repeats or skips a conversation while
 * the upstream stays the same, and the pages follow one order as long as each account's
 * stream follows it too:
 *
 * - a queue is longest waiting first (oldest `lastReplyAt`), the order a queue is worked in.
 *   Each account's queue is one cached call, read whole and sorted here;
 * - a search is newest first (latest `createdAt`). Snappy ranks each account's results newest
 *   first and pages them by number; a page is read only when the merge reaches it (one cached
 *   call per account page).
 *
 * Ties go by connection, then ticket id, so the order is total. Should the merge run out of an
 * account's read results before the page is full (a mailbox filter over sparse search
 * results), the page ends early rather than break the order; the cursor goes on from there.
 */
import { createHash } from 'node:crypto'
import { decodeOpaque, encodeOpaque } from '../cursor.js'
import { invalidCursor } from '../errors.js'
import type { Conversation } from '../schemas/conversation.js'
import type { SnappyAdapter } from '../upstreams/snappy/adapter.js'
import { mailboxId } from '../upstreams/snappy/mapping/directory.js'
import type { QueueName, ReadOptions, SearchPage } from '../upstreams/snappy/tickets.js'

/** An account (or one of its mailboxes) of a connection. */
export interface ConversationScope {
  adapter: SnappyAdapter
  account: string
  mailbox?: string
}

export type ConversationQuery = { queue: QueueName } | { q: string }

export interface ConversationPage {
  data: Conversation[]
  nextCursor: string | null
}

/** Pages of one account's search read per request, so a sparse mailbox filter cannot run up the budget. */
const MAX_SEARCH_READS = 5
export const MAX_CONVERSATION_CURSOR_LENGTH = 4096
const STREAM_KEY = /^[a-z][a-z0-9_-]{0,31}:\d{1,20}(?::\d{1,20})?$/

/** Where a stream resumes: a queue's offset; a search's page, skip within it, and results before it. */
type Position = number[]

interface Stream {
  readonly key: string
  /** What was read from the position on, in the stream's own order. */
  readonly items: Conversation[]
  /** Reads further; false when there is nothing more to read now. */
  more(): Promise<boolean>
  /** No more items beyond `items`. */
  readonly finished: boolean
  /** The position once `used` items are handed out, or null when nothing is left. */
  after(used: number): Position | null
}

export async function listConversations(
  scopes: ConversationScope[],
  query: ConversationQuery,
  limit: number,
  cursor: string | undefined,
  options: ReadOptions,
): Promise<ConversationPage> {
  const kind =
    'queue' in query
      ? `queue:${query.queue}`
      : `search:${createHash('sha256').update(query.q).digest('base64url').slice(0, 12)}`
  const state = cursor === undefined ? { positions: {}, done: [] } : decodeConversationCursor(kind, cursor)
  const active = scopes.filter((scope) => !state.done.includes(keyOf(scope)))
  const streams = await Promise.all(
    active.map((scope) => {
      const at = state.positions[keyOf(scope)]
      return 'queue' in query
        ? queueStream(scope, query.queue, at?.[0] ?? 0, options)
        : searchStream(scope, query.q, at ?? [1, 0, 0], options)
    }),
  )
  const compare = 'queue' in query ? longestWaitingFirst : newestFirst
  const data = await merge(streams, limit, compare)

  const next = { positions: { ...state.positions }, done: [...state.done] }
  for (const [i, stream] of streams.entries()) {
    const position = stream.after(data.taken[i] ?? 0)
    if (position === null) {
      delete next.positions[stream.key]
      next.done.push(stream.key)
    } else {
      next.positions[stream.key] = position
    }
  }
  const remaining = streams.some((s) => !next.done.includes(s.key))
  return { data: data.items, nextCursor: remaining ? encodeConversationCursor(kind, next) : null }
}

/** The page: the best head each time, refilling a stream when its read items run out. */
async function merge(streams: Stream[], limit: number, compare: (a: Conversation, b: Conversation) => number) {
  const taken = streams.map(() => 0)
  const head = (i: number): Conversation | undefined => streams[i]?.items[taken[i] ?? 0]
  const fill = async (i: number) => {
    const stream = streams[i] as Stream
    while (head(i) === undefined && !stream.finished && (await stream.more()));
  }
  await Promise.all(streams.map((_, i) => fill(i)))
  const items: Conversation[] = []
  while (items.length < limit) {
    let best: { i: number; item: Conversation } | undefined
    let stalled = false
    for (const [i, stream] of streams.entries()) {
      const item = head(i)
      if (item === undefined) stalled ||= !stream.finished
      else if (best === undefined || compare(item, best.item) < 0) best = { i, item }
    }
    // A stream that may still hold earlier items but cannot be read further now holds the page back.
    if (best === undefined || stalled) break
    items.push(best.item)
    taken[best.i] = (taken[best.i] ?? 0) + 1
    if (items.length < limit) await fill(best.i)
  }
  return { items, taken }
}

function keyOf(scope: ConversationScope): string {
  const base = `${scope.adapter.connection.name}:${scope.account}`
  return scope.mailbox === undefined ? base : `${base}:${scope.mailbox}`
}

async function queueStream(
  scope: ConversationScope,
  queue: QueueName,
  offset: number,
  options: ReadOptions,
): Promise<Stream> {
  const where =
    scope.mailbox === undefined ? { account: scope.account } : { account: scope.account, mailbox: scope.mailbox }
  const all = (await scope.adapter.tickets.queue(where, queue, options)).sort(longestWaitingFirst)
  const items = all.slice(offset)
  return {
    key: keyOf(scope),
    items,
    finished: true,
    more: async () => false,
    after: (used) => (offset + used < all.length ? [offset + used] : null),
  }
}

function searchStream(scope: ConversationScope, q: string, start: Position, options: ReadOptions): Stream {
  const inMailbox =
    scope.mailbox === undefined ? undefined : mailboxId(scope.adapter.connection.name, scope.account, scope.mailbox)
  const items: Conversation[] = []
  /** The position of each item: resuming there reads it again, and skips the non-matching results before it. */
  const at: Position[] = []
  let [page = 1, skip = 0, before = 0] = start
  let finished = false
  let reads = 0
  return {
    key: keyOf(scope),
    items,
    get finished() {
      return finished
    },
    async more() {
      if (finished || reads >= MAX_SEARCH_READS) return false
      reads += 1
      const result: SearchPage = await scope.adapter.tickets.search(scope.account, q, Math.max(1, page), options)
      result.items.forEach((item, i) => {
        if (i < skip || (inMailbox !== undefined && item.mailboxId !== inMailbox)) return
        items.push(item)
        at.push([page, i, before])
      })
      const end = before + result.items.length
      finished = result.items.length === 0 || end >= result.total
      page += 1
      skip = 0
      before = end
      return true
    },
    after: (used) => at[used] ?? (finished ? null : [page, skip, before]),
  }
}

function longestWaitingFirst(a: Conversation, b: Conversation): number {
  const wa = a.lastReplyAt ?? a.openedAt ?? a.createdAt
  const wb = b.lastReplyAt ?? b.openedAt ?? b.createdAt
  if (wa !== wb) return wa < wb ? -1 : 1
  return tie(a, b)
}

function newestFirst(a: Conversation, b: Conversation): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1
  return tie(a, b)
}

/** By connection, then numeric ticket id (a longer id is larger). */
function tie(a: Conversation, b: Conversation): number {
  if (a.connection !== b.connection) return a.connection < b.connection ? -1 : 1
  if (a.remoteId.length !== b.remoteId.length) return a.remoteId.length - b.remoteId.length
  return a.remoteId < b.remoteId ? -1 : a.remoteId > b.remoteId ? 1 : 0
}

interface CursorState {
  positions: Record<string, Position>
  done: string[]
}

function encodeConversationCursor(kind: string, state: CursorState): string {
  return encodeOpaque({ k: kind, p: state.positions, d: state.done })
}

/** Strict: a cursor of another list, query or shape is refused rather than half-understood. */
function decodeConversationCursor(kind: string, value: string): CursorState {
  const invalid = () => invalidCursor('The cursor is not one this list issued for this query; start again without it')
  const { k, p, d } = decodeOpaque(value, MAX_CONVERSATION_CURSOR_LENGTH, invalid)
  if (k !== kind || typeof p !== 'object' || p === null || Array.isArray(p) || !Array.isArray(d)) throw invalid()
  const size = kind.startsWith('queue:') ? 1 : 3
  const positions: Record<string, Position> = {}
  for (const [key, position] of Object.entries(p)) {
    const valid =
      Array.isArray(position) &&
      position.length === size &&
      position.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)
    if (!STREAM_KEY.test(key) || !valid) throw invalid()
    positions[key] = position as Position
  }
  if (!d.every((key): key is string => typeof key === 'string' && STREAM_KEY.test(key))) throw invalid()
  return { positions, done: d }
}
