/**
 * Reads served from the synced replica: when they may be, the timeline as one keyset query,
 * and how fresh an answer is. A connection's reads come from the replica once its backfill is
 * done; until then they take the upstream path as before.
 */
import type { FastifyReply } from 'fastify'
import { type TimelineKey, encodeTimelineKey } from '../cursor.js'
import { isStoreOutage } from '../replica/availability.js'
import type { Replica } from '../replica/index.js'
import type { DirectoryKind } from '../replica/directory.js'
import type { StoredMessageFilters } from '../replica/messages.js'

/**
 * A read from the replica, or `upstream()` when the store turns out to be unreachable while it
 * reads (the first request to meet an outage learns it by its deadline; the next know at once
 * and never start here).
 */
export async function replicaOr<T>(read: () => Promise<T>, upstream: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (err) {
    if (!isStoreOutage(err)) throw err
    return upstream()
  }
}

/** Whether the replica can answer for all of these connections (and their participants, when asked). */
export async function replicaServes(
  replica: Replica,
  connections: readonly string[],
  needsParticipants = false,
): Promise<boolean> {
  if (connections.length === 0 || !replica.available) return false
  try {
    for (const name of connections) {
      const state = await replica.state(name)
      if (state?.backfilledAt == null) return false
      if (needsParticipants && !state.participantsComplete) return false
    }
    return true
  } catch {
    // The store does not answer: the upstream path still can.
    return false
  }
}

/** `X-Data-Age`: seconds since the answer's data was last known to match the upstream (0: read just now). */
export async function setDataAge(reply: FastifyReply, replica: Replica | null, connections: readonly string[] | null) {
  const age = replica === null || connections === null ? 0 : await replica.dataAge(connections)
  void reply.header('x-data-age', String(age))
}

export interface ReplicaTimelineQuery {
  connections: readonly string[]
  filters: StoredMessageFilters
  after: TimelineKey | null
  limit: number
}

/**
 * Sends JSON the replica stored as it is. Each message is kept as the JSON that the Message
 * schema's serializer would produce from it (written from validated records), so parsing and
 * serializing it again on every read would only cost time: at 100,000 messages that was most
 * of a timeline page's cost (see docs/benchmarks.md, "Replica hot path"). With a JSON content
 * type set, Fastify sends a string payload without serializing it.
 */
export function sendStoredJson(reply: FastifyReply, json: string): string {
  void reply.header('content-type', 'application/json; charset=utf-8')
  return json
}

/**
 * One page of the timeline from the replica, newest first, resumed after `(sentAt, id)`: the
 * `MessageList` JSON, assembled from the stored messages (see `sendStoredJson`).
 */
export async function listReplicaTimeline(replica: Replica, query: ReplicaTimelineQuery): Promise<string> {
  const rows = await replica.messages.listStored(query)
  const more = rows.length > query.limit
  if (more) rows.length = query.limit
  const last = rows.at(-1)
  const nextCursor = more && last !== undefined ? encodeTimelineKey({ sentAt: last.sentAt, id: last.id }) : null
  let data = ''
  for (const row of rows) data += data === '' ? row.json : `,${row.json}`
  return `{"data":[${data}],"nextCursor":${JSON.stringify(nextCursor)}}`
}

/**
 * A part of Snappy's directory (accounts, or an account's mailboxes or staff) from the
 * replica when it serves the connection, else from the upstream as `upstream` reads it.
 */
export async function readDirectory<T>(
  replica: Replica | null,
  reply: FastifyReply,
  connection: string,
  kind: DirectoryKind,
  account: string | null,
  upstream: () => Promise<T[]>,
): Promise<T[]> {
  const fromUpstream = async () => {
    await setDataAge(reply, null, null)
    return upstream()
  }
  if (replica !== null && (await replicaServes(replica, [connection]))) {
    return replicaOr(async () => {
      const records = await replica.directory.list<T>(connection, kind, account)
      await setDataAge(reply, replica, [connection])
      return records
    }, fromUpstream)
  }
  return fromUpstream()
}
