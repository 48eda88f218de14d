import { readFile } from 'node:fs/promises'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeId } from '../../../src/ids.js'
import type { Message } from '../../../src/schemas/message.js'
import { TEST_KEY, type RunningGateway } from '../../helpers/gateway.js'
import {
  CRM_KEY,
  WCL,
  WCL_MAILBOX,
  batchbookId,
  call,
  secretsIn,
  snappyId,
  startSnappyGateway,
} from '../../upstreams/snappy/e2e.js'

let gw: RunningGateway
const store = () => gw.sandbox!.snappy.simulator.store
const stats = () => gw.sandbox!.snappy.simulator.stats
type Conv = Record<string, unknown> & { id: string; nonce: string; status: string; tags: string[]; lastReplyAt: string }
type List<T> = { data: T[]; nextCursor: string | null }

beforeAll(async () => {
  gw = await startSnappyGateway()
})
afterAll(async () => gw.close())

async function walk<T>(path: string, limit: number): Promise<T[]> {
  const seen: T[] = []
  let cursor: string | null = null
  do {
    const sep: string = path.includes('?') ? '&' : '?'
    const res: { status: number; body: List<T> } = await call<List<T>>(
      gw,
      'GET',
      `${path}${sep}limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`,
    )
    expect(res.status).toBe(200)
    seen.push(...res.body.data)
    cursor = res.body.nextCursor
  } while (cursor !== null)
  return seen
}

describe('GET /v1/conversations (queues)', () => {
  it('reads the waiting queue of an account, longest waiting first', async () => {
    const res = await call<List<Conv>>(gw, 'GET', `/v1/conversations?account=${WCL}&limit=100`)
    expect(res.status).toBe(200)
    const expected = store()
      .tickets.ticketsOf(3249)
      .filter((t) => t.status === 'waiting')
    expect(res.body.data.map((c) => c.remoteId).sort()).toEqual(expected.map((t) => String(t.id)).sort())
    for (const c of res.body.data) {
      expect(c).toMatchObject({ source: 'snappy', connection: 'snappy', status: 'waiting', accountId: WCL })
      expect(decodeId('conversation', c.id, 1).parts).toEqual([c.remoteId])
      expect(c.nonce).toMatch(/^[a-z0-9]{16}$/)
      expect(c.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/)
    }
    const replied = res.body.data.map((c) => c.lastReplyAt)
    expect([...replied].sort()).toEqual(replied)
    expect(secretsIn(res.body)).toEqual([])
  })

  it('walks a queue page by page without repeats', async () => {
    const all = (await call<List<Conv>>(gw, 'GET', `/v1/conversations?account=${WCL}&limit=100`)).body.data.map(
      (c) => c.id,
    )
    expect(all.length).toBeGreaterThan(3)
    expect((await walk<Conv>(`/v1/conversations?account=${WCL}`, 3)).map((c) => c.id)).toEqual(all)
  })

  it('reads the inbox and yours queues of a mailbox', async () => {
    const inbox = await call<List<Conv>>(gw, 'GET', `/v1/conversations?queue=inbox&mailbox=${WCL_MAILBOX}&limit=100`)
    const yours = await call<List<Conv>>(
      gw,
      'GET',
      `/v1/conversations?queue=yours&mailbox=${WCL_MAILBOX}&account=${WCL}&limit=100`,
    )
    expect(inbox.status).toBe(200)
    expect(yours.status).toBe(200)
    for (const c of inbox.body.data) {
      expect(c.mailboxId).toBe(WCL_MAILBOX)
      expect(c.tags.some((t) => t.startsWith('@'))).toBe(false)
    }
    for (const c of yours.body.data) expect(c.tags).toContain('@mike')
    expect(inbox.body.data.length + yours.body.data.length).toBeGreaterThan(0)
  })

  it('searches an account, paging behind the cursor', async () => {
    const everything = await call<List<Conv>>(gw, 'GET', `/v1/conversations?account=${WCL}&q=invoice&limit=100`)
    expect(everything.status).toBe(200)
    expect(everything.body.data.length).toBeGreaterThan(2)
    expect(everything.body.nextCursor).toBeNull()
    for (const c of everything.body.data) expect(c.accountId).toBe(WCL)
    expect((await walk<Conv>(`/v1/conversations?account=${WCL}&q=invoice`, 2)).map((c) => c.id)).toEqual(
      everything.body.data.map((c) => c.id),
    )
  })

  it('refuses contradictory queries before any upstream call', async () => {
    const before = stats().requests
    for (const query of [
      '?q=x&queue=inbox',
      `?q=x&account=${WCL}&queue=inbox`,
      `?account=${snappyId('account', '3088')}&mailbox=${WCL_MAILBOX}`,
      '?queue=all&account=x',
    ]) {
      expect(await call(gw, 'GET', `/v1/conversations${query}`)).toMatchObject({
        status: 400,
        body: { code: 'validation_failed' },
      })
    }
    expect(await call(gw, 'GET', `/v1/conversations?account=${WCL}&cursor=bm9wZQ`)).toMatchObject({
      status: 400,
      body: { code: 'invalid_cursor' },
    })
    expect(await call(gw, 'GET', `/v1/conversations?account=${batchbookId('account', 'acme')}`)).toMatchObject({
      status: 405,
      body: { code: 'unsupported_by_source' },
    })
    expect(await call(gw, 'GET', `/v1/conversations?account=${WCL}`, { key: CRM_KEY })).toMatchObject({
      status: 403,
      body: { code: 'forbidden_connection' },
    })
    expect(stats().requests).toBe(before)
  })
})

describe('GET /v1/conversations across accounts', () => {
  const accountIds = () =>
    store()
      .directory.accounts.all()
      .map((a) => a.id)

  it('lists the waiting queue of every account without `account`, longest waiting first, ties by id', async () => {
    const res = await call<List<Conv>>(gw, 'GET', '/v1/conversations?queue=waiting&limit=100')
    expect(res.status).toBe(200)
    expect(res.body.nextCursor).toBeNull()
    const waiting = accountIds().flatMap((a) =>
      store()
        .tickets.ticketsOf(a)
        .filter((t) => t.status === 'waiting'),
    )
    expect(new Set(waiting.map((t) => t.accountId)).size).toBeGreaterThan(1)
    const expected = [...waiting].sort((a, b) => a.lastReplyAt - b.lastReplyAt || a.id - b.id).map((t) => String(t.id))
    expect(res.body.data.map((c) => c.remoteId)).toEqual(expected)
  })

  it('walks every account’s queue behind one cursor without repeats or gaps', async () => {
    const whole = (await call<List<Conv>>(gw, 'GET', '/v1/conversations?limit=100')).body.data.map((c) => c.id)
    const walked = (await walk<Conv>('/v1/conversations', 4)).map((c) => c.id)
    expect(walked).toEqual(whole)
    expect(new Set(walked).size).toBe(walked.length)
  })

  it('searches every account without `account`, newest first, behind one cursor', async () => {
    const perAccount = await Promise.all(
      accountIds().map(
        async (a) =>
          (
            await call<List<Conv>>(
              gw,
              'GET',
              `/v1/conversations?q=the&account=${snappyId('account', String(a))}&limit=100`,
            )
          ).body.data,
      ),
    )
    expect(perAccount.filter((list) => list.length > 0).length).toBeGreaterThan(1)
    const everything = await call<List<Conv>>(gw, 'GET', '/v1/conversations?q=the&limit=100')
    expect(everything.status).toBe(200)
    expect(everything.body.data.map((c) => c.id).sort()).toEqual(
      perAccount
        .flat()
        .map((c) => c.id)
        .sort(),
    )
    const created = everything.body.data.map((c) => c.createdAt)
    expect(created).toEqual([...created].sort().reverse())
    // Pages of 7 cross Snappy's search pages of 25 at different places in each account.
    expect((await walk<Conv>('/v1/conversations?q=the', 7)).map((c) => c.id)).toEqual(
      everything.body.data.map((c) => c.id),
    )
  })

  it('narrows a search to a mailbox', async () => {
    const res = await call<List<Conv>>(gw, 'GET', `/v1/conversations?q=the&mailbox=${WCL_MAILBOX}&limit=100`)
    expect(res.status).toBe(200)
    expect(res.body.data.length).toBeGreaterThan(0)
    for (const c of res.body.data) expect(c.mailboxId).toBe(WCL_MAILBOX)
    const inAccount = (await call<List<Conv>>(gw, 'GET', `/v1/conversations?q=the&account=${WCL}&limit=100`)).body.data
    expect(res.body.data.map((c) => c.id)).toEqual(
      inAccount.filter((c) => c.mailboxId === WCL_MAILBOX).map((c) => c.id),
    )
  })

  it('reads the accounts once and each account’s queue once, then serves pages from the cache', async () => {
    await gw.app.upstreams.stores.cache.clear()
    const before = stats().requests
    const first = await call<List<Conv>>(gw, 'GET', '/v1/conversations?queue=inbox&limit=2')
    expect(first.status).toBe(200)
    expect(stats().requests - before).toBe(1 + accountIds().length)
    const warm = stats().requests
    await walk<Conv>('/v1/conversations?queue=inbox', 2)
    expect(stats().requests).toBe(warm)
  })

  it('refuses a cursor of another query', async () => {
    const page = await call<List<Conv>>(gw, 'GET', '/v1/conversations?q=the&limit=1')
    expect(page.body.nextCursor).not.toBeNull()
    expect(await call(gw, 'GET', `/v1/conversations?q=invoice&cursor=${page.body.nextCursor}`)).toMatchObject({
      status: 400,
      body: { code: 'invalid_cursor' },
    })
    expect(await call(gw, 'GET', `/v1/conversations?queue=inbox&cursor=${page.body.nextCursor}`)).toMatchObject({
      status: 400,
      body: { code: 'invalid_cursor' },
    })
  })

  it('is empty for a key that may use no Snappy connection', async () => {
    expect(await call(gw, 'GET', '/v1/conversations', { key: CRM_KEY })).toMatchObject({
      status: 200,
      body: { data: [], nextCursor: null },
    })
  })
})

describe('GET /v1/conversations/{id}', () => {
  it('reads a conversation by id and by nonce alike', async () => {
    const ticket = store().tickets.ticketsOf(3249)[0]!
    const byId = await call<Conv>(gw, 'GET', `/v1/conversations/${snappyId('conversation', String(ticket.id))}`)
    expect(byId.status).toBe(200)
    expect(byId.body).toMatchObject({
      id: snappyId('conversation', String(ticket.id)),
      remoteId: String(ticket.id),
      nonce: ticket.nonce,
      mailboxId: snappyId('mailbox', '3249', String(ticket.mailboxId)),
      subject: ticket.defaultSubject,
      status: ticket.status,
      tags: ticket.tags,
      openedAt: new Date(ticket.openedAt * 1000).toISOString(),
      updatedAt: new Date(ticket.updatedAt * 1000).toISOString(),
    })
    expect(byId.body.remote).toBeUndefined()
    const byNonce = await call<Conv>(gw, 'GET', `/v1/conversations/${ticket.nonce}`)
    expect(byNonce.body).toEqual(byId.body)
    expect((await call<Conv>(gw, 'GET', `/v1/conversations/${ticket.nonce}?connection=snappy`)).body).toEqual(byId.body)
  })

  it('adds the sanitized upstream record with include=remote', async () => {
    const ticket = store().tickets.ticketsOf(3249)[1]!
    const res = await call<Conv & { remote: { format: string; data: Record<string, unknown> } }>(
      gw,
      'GET',
      `/v1/conversations/${ticket.nonce}?include=remote`,
    )
    expect(res.status).toBe(200)
    expect(res.body.remote.format).toBe('json')
    expect(res.body.remote.data).toMatchObject({
      id: ticket.id,
      nonce: ticket.nonce,
      default_subject: ticket.defaultSubject,
      status: ticket.status,
    })
    expect(secretsIn(res.body)).toEqual([])
  })

  it('answers 404 for an unknown ticket and refuses what is not its own', async () => {
    expect(await call(gw, 'GET', `/v1/conversations/${snappyId('conversation', '1')}`)).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    })
    expect(await call(gw, 'GET', '/v1/conversations/aaaaaaaaaaaaaaaa')).toMatchObject({ status: 404 })
    const before = stats().requests
    expect(await call(gw, 'GET', '/v1/conversations/NOT-A-NONCE')).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    })
    expect(await call(gw, 'GET', `/v1/conversations/${batchbookId('conversation', '1')}`)).toMatchObject({
      status: 405,
      body: { code: 'unsupported_by_source' },
    })
    expect(
      await call(gw, 'GET', `/v1/conversations/${snappyId('conversation', '268400')}`, { key: CRM_KEY }),
    ).toMatchObject({ status: 403 })
    expect(await call(gw, 'GET', '/v1/conversations/qy76dl5sc5ua7nd2', { key: CRM_KEY })).toMatchObject({
      status: 403,
      body: { code: 'forbidden_connection' },
    })
    expect(await call(gw, 'GET', '/v1/conversations/qy76dl5sc5ua7nd2?connection=batchbook')).toMatchObject({
      status: 400,
    })
    expect(
      await call(gw, 'GET', `/v1/conversations/${snappyId('conversation', '268400')}?connection=other`),
    ).toMatchObject({ status: 400 })
    expect(stats().requests).toBe(before)
  })
})

describe('GET /v1/conversations/{id}/messages', () => {
  it('lists the ticket’s notes as messages, newest first, with the ticket’s tags', async () => {
    const ticket = store()
      .tickets.ticketsOf(3249)
      .find((t) =>
        store()
          .tickets.notesOf(t.id)
          .some((n) => n.scope === 'private'),
      )!
    const notes = store().tickets.notesOf(ticket.id)
    const res = await call<List<Message>>(
      gw,
      'GET',
      `/v1/conversations/${snappyId('conversation', String(ticket.id))}/messages?limit=100`,
    )
    expect(res.status).toBe(200)
    expect(res.body.data.map((m) => m.remoteId)).toEqual(notes.map((n) => String(n.id)))
    for (const m of res.body.data) {
      const note = notes.find((n) => String(n.id) === m.remoteId)!
      expect(decodeId('message', m.id, 2).parts).toEqual([String(ticket.id), m.remoteId])
      expect(m.conversationId).toBe(snappyId('conversation', String(ticket.id)))
      expect(m.tags).toEqual(ticket.tags)
      expect(m.kind).toBe(note.scope === 'private' ? 'note' : 'email')
      expect(m.visibility).toBe(note.scope)
      expect(m.sentAt).toBe(new Date(note.createdAt * 1000).toISOString())
      if (note.createdByStaffId !== null) {
        // Staff notes are rendered HTML although `using_html` is 0.
        expect(m.body.html).toBe(note.content)
        expect(m.body.text).not.toMatch(/<\/?p>/)
        expect(m.body.text.length).toBeGreaterThan(0)
        expect(m.author).toMatchObject({ kind: 'staff', contactId: null, role: 'from' })
      } else {
        expect(m.body).toEqual({ text: note.content, html: null })
        expect(m.author).toMatchObject({
          kind: 'contact',
          role: 'from',
          contactId: snappyId('contact', '3249', String(note.createdByContactId)),
        })
      }
      expect(m.participants.map((p) => p.role)).toEqual(note.contacts.map((c) => c.type))
    }
    expect(res.body.data.some((m) => m.kind === 'note' && m.visibility === 'private')).toBe(true)
    expect(secretsIn(res.body)).toEqual([])
  })

  it('pages the messages', async () => {
    const ticket = store()
      .tickets.ticketsOf(3249)
      .find((t) => store().tickets.notesOf(t.id).length >= 3)!
    const all = await walk<Message>(`/v1/conversations/${ticket.nonce}/messages`, 1)
    expect(all.map((m) => m.remoteId)).toEqual(
      store()
        .tickets.notesOf(ticket.id)
        .map((n) => String(n.id)),
    )
  })
})

describe('GET /v1/conversations/{id}/attachments/{attachmentId}', () => {
  it('streams each attachment with its type and length, from the URL the message gives', async () => {
    const attachment = store().tickets.attachments.find((a) => a.filename.endsWith('.csv'))!
    const ticket = store().tickets.tickets.get(attachment.ticketId)!
    const messages = (await call<List<Message>>(gw, 'GET', `/v1/conversations/${ticket.nonce}/messages?limit=100`)).body
      .data
    const listed = messages.flatMap((m) => m.attachments).find((a) => a.filename === attachment.filename)!
    expect(listed).toMatchObject({ contentType: 'text/csv', size: attachment.size })
    expect(decodeId('attachment', listed.id, 2).parts).toEqual([String(ticket.id), String(attachment.id)])
    const res = await request(`${gw.url}${listed.downloadUrl}`, { headers: { authorization: `Bearer ${TEST_KEY}` } })
    const bytes = Buffer.from(await res.body.arrayBuffer())
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv')
    expect(res.headers['content-length']).toBe(String(attachment.size))
    expect(String(res.headers['content-disposition'])).toContain('filename*=UTF-8')
    expect(bytes.equals(await readFile(attachment.filePath))).toBe(true)
    // Also through the ticket's nonce.
    const byNonce = await request(`${gw.url}/v1/conversations/${ticket.nonce}/attachments/${listed.id}`, {
      headers: { authorization: `Bearer ${TEST_KEY}` },
    })
    expect(Buffer.from(await byNonce.body.arrayBuffer()).equals(bytes)).toBe(true)
  })

  it('refuses an attachment of another conversation, of another source, or for another key', async () => {
    const attachment = store().tickets.attachments.find(() => true)!
    const att = snappyId('attachment', String(attachment.ticketId), String(attachment.id))
    const other = store().tickets.tickets.find((t) => t.id !== attachment.ticketId)!
    expect(
      await call(gw, 'GET', `/v1/conversations/${snappyId('conversation', String(other.id))}/attachments/${att}`),
    ).toMatchObject({ status: 404 })
    expect(await call(gw, 'GET', `/v1/conversations/${other.nonce}/attachments/${att}`)).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    })
    expect(
      await call(
        gw,
        'GET',
        `/v1/conversations/${snappyId('conversation', '1')}/attachments/${batchbookId('attachment', '1', '2')}`,
      ),
    ).toMatchObject({ status: 405 })
    expect(
      await call(
        gw,
        'GET',
        `/v1/conversations/${snappyId('conversation', String(attachment.ticketId))}/attachments/${att}`,
        { key: CRM_KEY },
      ),
    ).toMatchObject({ status: 403 })
  })
})
