/**
 * Who receives an event is one rule in two forms: the predicate the fan-out applies to events
 * in hand and the SQL condition the feed and a replay apply to the log. Every audience of a
 * small matrix must get exactly the same events from both, on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Audience, receives, receivingWhere } from '../../src/store/audience.js'
import { type NewEvent, appendEvents } from '../../src/store/events.js'
import { type Store, openStore } from '../../src/store/index.js'
import { STORE_KINDS, type TestDatabase, testDatabase } from '../helpers/stores.js'

const EVENTS: NewEvent[] = [
  ['message.created', 'crm', undefined],
  ['message.deleted', 'crm', undefined],
  ['conversation.updated', 'help', undefined],
  ['message.created', 'help', undefined],
  ['message.created', 'other', undefined],
  ['webhook_endpoint.disabled', null, 'all'],
  ['webhook_endpoint.disabled', null, 'help-only'],
  ['operation.succeeded', 'crm', 'all'],
  ['operation.failed', 'help', 'help-only'],
].map(([type, connection, keyName], i) => ({
  type: type as NewEvent['type'],
  connection: connection as string | null,
  ...(keyName === undefined ? {} : { keyName: keyName as string }),
  recordId: `rec_${i}`,
  origin: 'sync',
  object: { i },
}))

const AUDIENCES: Audience[] = []
for (const keyName of ['all', 'help-only', 'nobody'])
  for (const connections of [null, [], ['crm'], ['help', 'other']])
    for (const types of [
      [],
      ['*'],
      ['message.created'],
      ['webhook_endpoint.disabled', 'conversation.updated'],
      ['operation.failed'],
    ])
      AUDIENCES.push({ keyName, connections, types })

describe.each(STORE_KINDS)('who receives an event, on %s', (kind) => {
  let database: TestDatabase
  let store: Store

  beforeAll(async () => {
    database = testDatabase(kind)
    store = await openStore(database.config)
    await store.db.db.transaction().execute((trx) => appendEvents(trx, store.db, EVENTS))
  })
  afterAll(async () => {
    await store.close()
    await database.drop()
  })

  it('the SQL condition and the predicate agree for every audience', async () => {
    let received = 0
    for (const audience of AUDIENCES) {
      const rows = await store.db.db
        .selectFrom('events')
        .select(['record_id'])
        .where((eb) => receivingWhere(eb, audience))
        .orderBy('seq')
        .execute()
      const expected = EVENTS.filter((e) =>
        receives(audience, { type: e.type, connection: e.connection, keyName: e.keyName ?? null }),
      ).map((e) => e.recordId)
      expect(
        rows.map((r) => r.record_id),
        JSON.stringify(audience),
      ).toEqual(expected)
      received += expected.length
    }
    // The matrix is not vacuous: some audiences get events, and some get none.
    expect(received).toBeGreaterThan(20)
    expect(received).toBeLessThan(AUDIENCES.length * EVENTS.length)
  })

  it('a key alone receives its own key-scoped events, whatever connections it has', () => {
    const disabled = { type: 'webhook_endpoint.disabled', connection: null, keyName: 'all' }
    expect(receives({ keyName: 'all', connections: [], types: [] }, disabled)).toBe(true)
    expect(receives({ keyName: 'help-only', connections: null, types: ['*'] }, disabled)).toBe(false)
  })

  it('an operation’s outcome goes to its key alone, and only while that key may use its connection', () => {
    const failed = { type: 'operation.failed', connection: 'help', keyName: 'help-only' }
    expect(receives({ keyName: 'help-only', connections: ['help'], types: [] }, failed)).toBe(true)
    expect(receives({ keyName: 'help-only', connections: ['crm'], types: [] }, failed)).toBe(false)
    expect(receives({ keyName: 'all', connections: null, types: [] }, failed)).toBe(false)
  })
})
