/**
 * The newest-first message list across connections: each connection is read from its own
 * position, the pages are merged by `sentAt`, and the cursor records how far each
 * connection was consumed, so walking it never repeats or skips a message.
 */
import { encodeCursor, type CursorState } from '../cursor.js'
import { ProblemError } from '../errors.js'
import type { Message, Warning } from '../schemas/message.js'
import { compareNewestFirst } from '../upstreams/message-order.js'
import type { MessageFilters, MessageReadOptions, SourceAdapter } from '../upstreams/adapter.js'

export interface TimelinePage {
  data: Message[]
  nextCursor: string | null
  warnings?: Warning[]
}

type Listable = SourceAdapter & Required<Pick<SourceAdapter, 'listMessages'>>

export function canList(adapter: SourceAdapter): adapter is Listable {
  return adapter.listMessages !== undefined
}

export interface TimelineQuery {
  cursor: CursorState
  limit: number
  filters: MessageFilters
  options: MessageReadOptions
}

export async function listTimeline(adapters: Listable[], query: TimelineQuery): Promise<TimelinePage> {
  const { cursor, limit } = query
  const active = adapters.filter((a) => !cursor.done.includes(a.connection.name))
  const results = await Promise.allSettled(
    active.map((a) =>
      a.listMessages(
        { offset: cursor.positions[a.connection.name] ?? 0, limit, filters: query.filters },
        query.options,
      ),
    ),
  )

  const warnings: Warning[] = []
  const pool: Message[] = []
  const exhausted = new Set<string>()
  let firstFailure: unknown
  results.forEach((result, i) => {
    const adapter = active[i] as Listable
    if (result.status === 'fulfilled') {
      pool.push(...result.value.items)
      if (result.value.exhausted) exhausted.add(adapter.connection.name)
      return
    }
    firstFailure ??= result.reason
    const problem = result.reason instanceof ProblemError ? result.reason : null
    warnings.push({
      source: adapter.connection.source,
      connection: adapter.connection.name,
      code: problem?.code ?? 'internal_error',
      detail: problem?.message ?? 'The connection failed',
    })
  })
  if (active.length > 0 && warnings.length === active.length) throw firstFailure

  pool.sort(compareNewestFirst)
  const data = pool.slice(0, limit)
  const next: CursorState = { positions: { ...cursor.positions }, done: [...cursor.done] }
  for (const message of data) next.positions[message.connection] = (next.positions[message.connection] ?? 0) + 1
  for (const name of exhausted) {
    const fetched = pool.filter((m) => m.connection === name).length
    const used = data.filter((m) => m.connection === name).length
    if (used === fetched) {
      next.done.push(name)
      delete next.positions[name]
    }
  }
  const remaining = active.some((a) => !next.done.includes(a.connection.name))
  const page: TimelinePage = { data, nextCursor: remaining ? encodeCursor(next) : null }
  if (warnings.length > 0) page.warnings = warnings
  return page
}
