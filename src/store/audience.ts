/**
 * Who receives an event: the one rule behind the change feed, the webhook fan-out and a
 * webhook replay. An audience is an API key (which alone sees its own key-scoped events, such
 * as `webhook_endpoint.disabled`), the connections whose events it gets, and the event types
 * it asked for. The rule is written twice only in form: as a predicate for events in hand
 * (the fan-out, inside the append) and as a SQL condition for events in the log (the feed,
 * the replay); `test/store/audience.test.ts` holds the two to the same answers.
 *
 * Whether the key may still use a connection when a delivery is sent is the key's permission
 * (configuration, which can change between append and send), checked at send time by the
 * delivery worker.
 */
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely'
import type { StoreTables } from './tables.js'

export interface Audience {
  keyName: string
  /** The connections whose events it gets; null for every connection. */
  connections: readonly string[] | null
  /** The event types it asked for; empty or `*` for all of them. */
  types: readonly string[]
}

/** What of an event decides who receives it. */
export interface Addressed {
  type: string
  /** Null for an event that belongs to one key rather than to a connection. */
  connection: string | null
  keyName: string | null
}

const wantsEveryType = (types: readonly string[]) => types.length === 0 || types.includes('*')

export function receives(audience: Audience, event: Addressed): boolean {
  if (!wantsEveryType(audience.types) && !audience.types.includes(event.type)) return false
  if (event.connection === null) return event.keyName === audience.keyName
  return audience.connections === null || audience.connections.includes(event.connection)
}

/** The same rule over the `events` table. */
export function receivingWhere(eb: ExpressionBuilder<StoreTables, 'events'>, audience: Audience): Expression<SqlBool> {
  const addressed = [eb.and([eb('connection', 'is', null), eb('key_name', '=', audience.keyName)])]
  if (audience.connections === null) addressed.push(eb('connection', 'is not', null))
  else if (audience.connections.length > 0) addressed.push(eb('connection', 'in', audience.connections))
  const conditions = [eb.or(addressed)]
  if (!wantsEveryType(audience.types)) conditions.push(eb('type', 'in', audience.types))
  return eb.and(conditions)
}
