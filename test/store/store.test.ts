/**
 * The replica's database, the same behaviours on the embedded SQLite file and on PostgreSQL:
 * messages (keyset timeline, filters, full-text search, contacts, sweeps), conversations
 * (queues), the directory, sync states and the leases that pick one syncer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeId } from '../../src/ids.js'
import { type Store, openStore } from '../../src/store/index.js'
import type { Conversation } from '../../src/schemas/conversation.js'
import type { Message } from '../../src/schemas/message.js'
import { STORE_KINDS, type TestDatabase, testDatabase } from '../helpers/stores.js'
import { leaseHolder } from '../helpers/leases.js'

const contact = (n: number) => encodeId('contact', { source: 'snappy', connection: 'help', parts: [String(n)] })
const conv = (n: number) => encodeId('conversation', { source: 'snappy', connection: 'help', parts: [String(n)] })

function message(n: number, overrides: Partial<Message> = {}): Message {
  const connection = overrides.connection ?? 'crm'
  const at = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString()
  return {
    id: encodeId('message', { source: 'batchbook', connection, parts: [String(n)] }),
    source: 'batchbook',
    connection,
    remoteId: String(n),
    conversationId: null,
    kind: 'email',
    visibility: null,
    subject: `Subject ${n}`,
    body: { text: `Body of message ${n}`, html: null },
    sentAt: at,
    createdAt: at,
    updatedAt: at,
    author: null,
    participants: [],
    participantsStatus: 'pending',
    tags: [],
    comments: [],
    attachments: [],
    ...overrides,
  }
}

function conversation(n: number, lastReplyAt: string | null, overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: conv(n),
    source: 'snappy',
    connection: 'help',
    remoteId: String(n),
    nonce: null,
    accountId: encodeId('account', { source: 'snappy', connection: 'help', parts: ['1'] }),
    mailboxId: encodeId('mailbox', { source: 'snappy', connection: 'help', parts: ['1', String(10 + (n % 2))] }),
    status: 'waiting',
    subject: `Ticket ${n}`,
    summary: null,
    tags: [],
    unread: true,
    contacts: [],
    openedAt: null,
    lastReplyAt,
    lastReplyBy: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  }
}

describe.each(STORE_KINDS)('the replica database on %s', (kind) => {
  let database: TestDatabase
  let store: Store

  beforeAll(async () => {
    database = testDatabase(kind)
    store = await openStore(database.config)
  })
  afterAll(async () => {
    await store.close()
    await database.drop()
  })

  it('migrates once: opening the same database again finds the schema in place', async () => {
    const again = await openStore(database.config)
    await again.close()
  })

  describe('messages', () => {
    beforeAll(async () => {
      await store.messages.upsert(
        Array.from({ length: 30 }, (_, i) => message(i)),
        false,
      )
    })

    it('walks the timeline newest first by keyset, each message once', async () => {
      const seen: string[] = []
      let after = null
      for (;;) {
        const rows = await store.messages.list({ connections: ['crm'], filters: {}, after, limit: 7 })
        const page = rows.slice(0, 7)
        seen.push(...page.map((m) => m.remoteId))
        if (rows.length <= 7) break
        const last = page.at(-1) as Message
        after = { sentAt: last.sentAt, id: last.id }
      }
      expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => String(29 - i)))
    })

    it('orders messages sent at the same instant by id, so a page boundary between them skips none', async () => {
      const same = '2025-06-01T00:00:00.000Z'
      await store.messages.upsert(
        [1, 2, 3].map((n) => message(1000 + n, { connection: 'tie', sentAt: same })),
        false,
      )
      const first = await store.messages.list({ connections: ['tie'], filters: {}, after: null, limit: 2 })
      const last = first[1] as Message
      const rest = await store.messages.list({
        connections: ['tie'],
        filters: {},
        after: { sentAt: last.sentAt, id: last.id },
        limit: 2,
      })
      const ids = [...first.slice(0, 2), ...rest].map((m) => m.remoteId)
      expect(new Set(ids).size).toBe(3)
    })

    it('finds messages by the words of their subject and body', async () => {
      await store.messages.upsert(
        [
          message(500, {
            connection: 'fts',
            subject: 'Invoice overdue',
            body: { text: 'Please pay the café bill', html: null },
          }),
        ],
        false,
      )
      const hit = await store.messages.list({
        connections: ['fts'],
        filters: { q: 'overdue café' },
        after: null,
        limit: 10,
      })
      expect(hit.map((m) => m.remoteId)).toEqual(['500'])
      const miss = await store.messages.list({
        connections: ['fts'],
        filters: { q: 'refund' },
        after: null,
        limit: 10,
      })
      expect(miss).toEqual([])
    })

    it('treats search operators as words', async () => {
      const rows = await store.messages.list({
        connections: ['fts'],
        filters: { q: 'Invoice OR "NEAR(' },
        after: null,
        limit: 10,
      })
      expect(rows).toEqual([])
    })

    it('filters by kind and by creation and update time', async () => {
      await store.messages.upsert(
        [message(600, { connection: 'filters', kind: 'phone' }), message(601, { connection: 'filters' })],
        false,
      )
      const phones = await store.messages.list({
        connections: ['filters'],
        filters: { kind: 'phone' },
        after: null,
        limit: 10,
      })
      expect(phones.map((m) => m.remoteId)).toEqual(['600'])
      const later = await store.messages.list({
        connections: ['filters'],
        filters: { createdSince: message(601).createdAt },
        after: null,
        limit: 10,
      })
      expect(later.map((m) => m.remoteId)).toEqual(['601'])
    })

    it('finds the messages a contact takes part in', async () => {
      const participant = {
        role: 'to' as const,
        name: 'Ann',
        address: null,
        contactId: contact(7),
        kind: 'contact' as const,
      }
      await store.messages.upsert([message(700, { connection: 'contacts', participants: [participant] })], true)
      await store.messages.upsert([message(701, { connection: 'contacts' })], true)
      const rows = await store.messages.list({
        connections: ['contacts'],
        filters: { contactId: contact(7) },
        after: null,
        limit: 10,
      })
      expect(rows.map((m) => m.remoteId)).toEqual(['700'])
    })

    it('combines a contact with a search, a time filter and a cursor, newest first', async () => {
      const participant = {
        role: 'to' as const,
        name: 'Bo',
        address: null,
        contactId: contact(9),
        kind: 'contact' as const,
      }
      const subject = (n: number) => ({
        subject: `Walnut ${n}`,
        connection: 'contact-search',
        participants: [participant],
      })
      await store.messages.upsert(
        [710, 711, 712].map((n) => message(n, subject(n))),
        true,
      )
      await store.messages.upsert([message(713, { connection: 'contact-search', subject: 'Walnut 713' })], true)
      const query = {
        connections: ['contact-search'],
        filters: { contactId: contact(9), q: 'walnut', createdSince: message(711).createdAt },
        limit: 1,
      }
      const first = await store.messages.list({ ...query, after: null })
      expect(first.map((m) => m.remoteId)).toEqual(['712', '711'])
      const key = { sentAt: new Date(message(712).sentAt).toISOString(), id: message(712, subject(712)).id }
      const next = await store.messages.list({ ...query, after: key })
      expect(next.map((m) => m.remoteId)).toEqual(['711'])
    })

    it('keeps participants already read when a list page without them stores the record again', async () => {
      const participant = {
        role: 'from' as const,
        name: 'Bo',
        address: null,
        contactId: contact(8),
        kind: 'contact' as const,
      }
      await store.messages.upsert([message(800, { connection: 'keep', participants: [participant] })], true)
      await store.messages.upsert([message(800, { connection: 'keep' })], false)
      const stored = await store.messages.get(message(800, { connection: 'keep' }).id)
      expect(stored?.message.participants).toEqual([participant])
      expect(stored?.participantsLoaded).toBe(true)
    })

    it('reads participants again once the record changed', async () => {
      await store.messages.upsert([message(801, { connection: 'keep' })], true)
      await store.messages.upsert([message(801, { connection: 'keep', updatedAt: '2027-01-01T00:00:00.000Z' })], false)
      const pending = await store.messages.pendingParticipants('keep', 10)
      expect(pending.map((m) => m.remoteId)).toEqual(['801'])
    })

    it('finds a changed subject by its new words only', async () => {
      await store.messages.upsert([message(900, { connection: 'edit', subject: 'alpha' })], false)
      await store.messages.upsert([message(900, { connection: 'edit', subject: 'omega' })], false)
      const find = (q: string) => store.messages.list({ connections: ['edit'], filters: { q }, after: null, limit: 10 })
      expect(await find('alpha')).toEqual([])
      expect((await find('omega')).length).toBe(1)
    })

    it('sweeps the messages no pass saw since a point in time', async () => {
      await store.messages.upsert([message(950, { connection: 'sweep' })], false)
      await new Promise((r) => setTimeout(r, 5))
      const since = new Date().toISOString()
      await new Promise((r) => setTimeout(r, 5))
      await store.messages.upsert([message(951, { connection: 'sweep' })], false)
      expect(await store.messages.removeUnseen('sweep', since, null)).toBe(1)
      expect(await store.messages.count('sweep')).toBe(1)
    })

    it('never stores the upstream record or warnings', async () => {
      const withRemote = {
        ...message(990, { connection: 'clean' }),
        remote: { format: 'xml' as const, data: { token: 'x' } },
      }
      await store.messages.upsert([withRemote], true)
      const stored = await store.messages.get(withRemote.id)
      expect(stored?.message).not.toHaveProperty('remote')
    })
  })

  describe('conversations', () => {
    it('lists a queue longest waiting first and resumes after a key', async () => {
      const at = (h: number) => new Date(Date.UTC(2026, 0, 1, h)).toISOString()
      for (const [n, h] of [
        [1, 5],
        [2, 1],
        [3, 3],
      ] as const) {
        await store.conversations.upsert(conversation(n, at(h)), { account: '1', queues: ['waiting'] })
      }
      await store.conversations.upsert(conversation(4, at(0)), { account: '1', queues: [] })
      const first = await store.conversations.listQueue({
        connections: ['help'],
        queue: 'waiting',
        after: null,
        limit: 2,
      })
      expect(first.map((c) => c.remoteId)).toEqual(['2', '3', '1'])
      const last = first[1] as Conversation
      const rest = await store.conversations.listQueue({
        connections: ['help'],
        queue: 'waiting',
        after: { lastReplyAt: last.lastReplyAt as string, id: last.id },
        limit: 2,
      })
      expect(rest.map((c) => c.remoteId)).toEqual(['1'])
    })

    it('narrows a queue to a mailbox', async () => {
      const rows = await store.conversations.listQueue({
        connections: ['help'],
        queue: 'waiting',
        mailbox: conversation(1, null).mailboxId,
        after: null,
        limit: 10,
      })
      expect(rows.map((c) => c.remoteId).sort()).toEqual(['1', '3'])
    })

    it('knows which conversations need their notes read', async () => {
      const due = await store.conversations.dueForNotes('help')
      expect(due).toBeDefined()
      const c = due as Conversation
      await store.conversations.notesRead(c.id, `${c.updatedAt}|${c.lastReplyAt ?? ''}`)
      const next = await store.conversations.dueForNotes('help')
      expect(next?.id).not.toBe(c.id)
    })
  })

  it('replaces a part of the directory whole, in upstream order', async () => {
    await store.directory.replace('help', 'mailbox', '1', [{ id: 'b' }, { id: 'a' }])
    await store.directory.replace('help', 'mailbox', '1', [{ id: 'c' }, { id: 'a' }])
    expect(await store.directory.list('help', 'mailbox', '1')).toEqual([{ id: 'c' }, { id: 'a' }])
    expect(await store.directory.list('help', 'mailbox', '2')).toEqual([])
  })

  it('lists a staff member in every account that has them', async () => {
    await store.directory.replace('help', 'staff', '1', [{ id: 'stf_same' }])
    await store.directory.replace('help', 'staff', '2', [{ id: 'stf_same' }])
    expect(await store.directory.list('help', 'staff', '1')).toEqual([{ id: 'stf_same' }])
    expect(await store.directory.list('help', 'staff', '2')).toEqual([{ id: 'stf_same' }])
  })

  it('announces participants read again after a change, not those read the first time', async () => {
    const events = async (id: string) =>
      (await store.db.db.selectFrom('events').select('type').where('record_id', '=', id).execute()).map((e) => e.type)
    const listed = message(9001, { connection: 'fill' })
    const someone = {
      role: 'to' as const,
      name: 'Ann',
      address: 'ann@example.com',
      contactId: null,
      kind: 'contact' as const,
    }
    // Backfilled from a list page (no participants there), then changed outside before the fill.
    await store.messages.upsert([listed], false, null)
    const edited = { ...listed, subject: 'Edited', updatedAt: new Date(Date.UTC(2026, 1, 1)).toISOString() }
    await store.messages.upsert([edited], false, 'sync')
    await store.messages.setParticipants(listed.id, [someone], 'sync')
    expect(await events(listed.id)).toEqual(['message.updated'])
    // Known now: changed again, and its participants read again and different, they are news.
    const again = { ...edited, subject: 'Again', updatedAt: new Date(Date.UTC(2026, 1, 2)).toISOString() }
    await store.messages.upsert([again], false, 'sync')
    await store.messages.setParticipants(
      listed.id,
      [someone, { ...someone, name: 'Bo', address: 'bo@example.com' }],
      'sync',
    )
    expect(await events(listed.id)).toEqual(['message.updated', 'message.updated', 'message.updated'])
  })

  it('stores a sync state with its checkpoint', async () => {
    const state = {
      connection: 'crm',
      source: 'batchbook',
      phase: 'live' as const,
      checkpoint: { offset: 40, since: '2026-01-01T00:00:00.000Z' },
      backfilledAt: '2026-01-01T00:00:00.000Z',
      participantsComplete: false,
      lastSuccessAt: null,
      lastAttemptAt: null,
      lastError: null,
      calls: 12_345_678_901,
      upstream: 'batchbook https://acme.batchbook.com',
    }
    await store.states.put(state)
    expect(await store.states.get('crm')).toEqual(state)
  })

  it('gives a connection’s lease to one holder until it expires', async () => {
    expect(await store.leases.acquire('crm', 'a', 200)).toBe(true)
    expect(await store.leases.acquire('crm', 'b', 200)).toBe(false)
    expect(await store.leases.acquire('crm', 'a', 200)).toBe(true)
    await new Promise((r) => setTimeout(r, 250))
    expect(await store.leases.acquire('crm', 'b', 200)).toBe(true)
    await store.leases.release('crm', 'b')
    expect(await leaseHolder(store, 'crm')).toBeNull()
  })

  it('lets the only gateway take its dead predecessor’s lease at once', async () => {
    expect(await store.leases.acquire('crm', 'before-restart', 60_000)).toBe(true)
    expect(await store.leases.acquire('crm', 'after-restart', 60_000)).toBe(false)
    expect(await store.leases.acquire('crm', 'after-restart', 60_000, true)).toBe(true)
    expect(await leaseHolder(store, 'crm')).toBe('after-restart')
  })

  it('replaces the list of accounts again and again (the directory refresh)', async () => {
    for (let pass = 0; pass < 3; pass++) {
      await store.directory.replace('desk', 'account', null, [{ id: 'acct_1' }, { id: 'acct_2' }])
      await store.directory.replace('desk', 'mailbox', '1', [{ id: 'mbx_1' }])
    }
    expect(await store.directory.list('desk', 'account', null)).toEqual([{ id: 'acct_1' }, { id: 'acct_2' }])
    expect(await store.directory.list('desk', 'mailbox', '1')).toEqual([{ id: 'mbx_1' }])
  })
})

describe('replicas starting together on one PostgreSQL', () => {
  it('migrate once, each waiting its turn', async () => {
    const database = testDatabase('postgres')
    try {
      const replicas = await Promise.all([1, 2, 3, 4].map(() => openStore(database.config)))
      expect(await replicas[0]?.states.all()).toEqual([])
      await Promise.all(replicas.map((r) => r.close()))
    } finally {
      await database.drop()
    }
  })
})
