/**
 * Who receives an event: the one rule behind the change feed, the webhook fan-out and a
 * webhook replay. An audience is an API key, the connections whose events it gets, and the
 * event types it asked for. A record's events go to every key that may use its connection; an
 * event that belongs to one key (its operations' outcomes, `webhook_endpoint.disabled`) goes
 * to that key alone, and only while it may use the event's connection, if it has one. The rule is written twice only in form: as a predicate for events in hand
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
  /** The connection of its record or operation; null for one about the key's own endpoints. */
  connection: string | null
  /** The key it belongs to alone (its operations, its endpoints); null for a record's events. */
  keyName: string | null
}

const wantsEveryType = (types: readonly string[]) => types.length === 0 || types.includes('*')

const seesConnection = (audience: Audience, connection: string) =>
  audience.connections === null || audience.connections.includes(connection)

export function receives(audience: Audience, event: Addressed): boolean {
  if (!wantsEveryType(audience.types) && !audience.types.includes(event.type)) return false
  if (event.keyName !== null)
    return (
      event.keyName === audience.keyName && (event.connection === null || seesConnection(audience, event.connection))
    )
  return event.connection !== null && seesConnection(audience, event.connection)
}

/** The same rule over the `events` table. */
export function receivingWhere(eb: ExpressionBuilder<StoreTables, 'events'>, audience: Audience): Expression<SqlBool> {
  const { connections } = audience
  const seen =
    connections === null
      ? eb('connection', 'is not', null)
      : connections.length > 0
        ? eb('connection', 'in', connections)
        : eb.lit(false)
  const addressed = eb.or([
    eb.and([eb('key_name', '=', audience.keyName), eb.or([eb('connection', 'is', null), seen])]),
    eb.and([eb('key_name', 'is', null), seen]),
  ])
  const conditions = [addressed]
  if (!wantsEveryType(audience.types)) conditions.push(eb('type', 'in', audience.types))
  return eb.and(conditions)
}
