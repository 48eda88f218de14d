/**
 * Every recorded Snappy response body through the mapping, field by field: ids decode to
 * the right upstream ids, times become ISO 8601 UTC, participants keep their roles, and no
 * token, phone number or billing field survives anywhere (not even in `remote`).
 */
import { describe, expect, it } from 'vitest'
import { decodeId, encodeId } from '../../../src/ids.js'
import { toAccount, toMailbox, toStaff } from '../../../src/upstreams/snappy/mapping/directory.js'
import { toMessage } from '../../../src/upstreams/snappy/mapping/tickets.js'
import { readNonce } from '../../../src/upstreams/snappy/note.js'
import { SECRETS, recordedInteractions } from './recorded.js'

const C = 'snappy'
const id = (kind: Parameters<typeof encodeId>[0], ...parts: string[]) =>
  encodeId(kind, { source: 'snappy', connection: C, parts })
const all = recordedInteractions()
const of = (method: string, pattern: RegExp) => all.filter((i) => i.method === method && pattern.test(i.path))

function expectNoSecrets(value: unknown): void {
  const json = JSON.stringify(value)
  for (const secret of SECRETS) expect(json, `leaks ${secret}`).not.toContain(secret)
}

describe('recorded traffic through the mapping', () => {
  it('covers every recorded interaction', () => {
    const covered = [
      ...of('GET', /^\/accounts$/),
      ...of('GET', /^\/account\/\d+\/(mailboxes|staff)$/),
      ...of('GET', /^\/ticket\/[a-z0-9]{16}\/notes$/),
      ...of('POST', /^\/note$/),
    ]
    expect(covered).toHaveLength(all.length)
    expect(all.length).toBe(21)
  })

  it('maps accounts without billing fields', () => {
    for (const interaction of of('GET', /^\/accounts$/)) {
      const accounts = (JSON.parse(interaction.body) as unknown[]).map((a) => toAccount(a, C))
      expect(accounts).toEqual([
        {
          id: id('account', '3249'),
          source: 'snappy',
          connection: C,
          remoteId: '3249',
          organization: 'Western Cape Labs (Test)',
          domain: 'wcldemo.besnappy.com',
          customDomain: null,
          active: true,
          membership: { username: 'jeremy', owner: false, admin: false },
          createdAt: '2014-09-16T13:49:36.000Z',
          updatedAt: '2014-09-16T14:19:37.000Z',
        },
      ])
      expect(decodeId('account', accounts[0]!.id, 1)).toEqual({ source: 'snappy', connection: C, parts: ['3249'] })
      expectNoSecrets(accounts)
    }
  })

  it('maps mailboxes without SMTP settings', () => {
    const bodies = of('GET', /^\/account\/3249\/mailboxes$/)
    expect(bodies).toHaveLength(3)
    for (const interaction of bodies) {
      const mailboxes = (JSON.parse(interaction.body) as unknown[]).map((m) => toMailbox(m, C, '3249'))
      expect(mailboxes).toEqual([
        {
          id: id('mailbox', '3249', '3642'),
          source: 'snappy',
          connection: C,
          remoteId: '3642',
          accountId: id('account', '3249'),
          type: 'email',
          address: 'hello@wcldemo.besnappy.com',
          displayName: 'Western Cape Labs (Test)',
          active: true,
          autoResponding: false,
          language: 'en',
          createdAt: '2014-09-16T13:49:36.000Z',
          updatedAt: '2014-09-16T13:49:36.000Z',
        },
      ])
      expect(decodeId('mailbox', mailboxes[0]!.id, 2).parts).toEqual(['3249', '3642'])
      expectNoSecrets(mailboxes)
    }
  })

  it('maps staff without tokens, phone numbers or mobile settings', () => {
    const bodies = of('GET', /^\/account\/3249\/staff$/)
    expect(bodies).toHaveLength(2)
    for (const interaction of bodies) {
      const staff = (JSON.parse(interaction.body) as unknown[]).map((s) => toStaff(s, C, '3249'))
      expect(staff).toEqual([
        {
          id: id('staff', '58'),
          source: 'snappy',
          connection: C,
          remoteId: '58',
          accountId: id('account', '3249'),
          firstName: 'Mike',
          lastName: 'Jones',
          name: 'Mike Jones',
          email: 'mike@westerncapelabs.com',
          username: 'mike',
          owner: true,
          admin: true,
          timezone: 'Africa/Johannesburg',
          culture: 'en',
          photo: null,
          createdAt: '2012-12-10T14:25:16.000Z',
          updatedAt: '2014-09-25T06:57:45.000Z',
        },
        {
          id: id('staff', '3696'),
          source: 'snappy',
          connection: C,
          remoteId: '3696',
          accountId: id('account', '3249'),
          firstName: 'Jeremy',
          lastName: 'Thurgood',
          name: 'Jeremy Thurgood',
          email: 'jeremy@praekelt.com',
          username: 'jeremy',
          owner: false,
          admin: false,
          timezone: 'Africa/Johannesburg',
          culture: 'en',
          photo: null,
          createdAt: '2014-09-17T13:02:56.000Z',
          updatedAt: '2014-09-25T06:40:44.000Z',
        },
      ])
      expectNoSecrets(staff)
    }
  })

  it('maps the first recorded note exactly', () => {
    const [first] = of('GET', /^\/ticket\/h3r6rybkmdyr2j4q\/notes$/)
    const [message] = (JSON.parse(first!.body) as unknown[]).map((n) => toMessage(n, C))
    const john = {
      name: 'John Smith',
      address: 'john.smith@gmail.com',
      contactId: id('contact', '3249', '119399'),
      kind: 'contact',
    }
    expect(message).toEqual({
      id: id('message', '268240', '471947'),
      source: 'snappy',
      connection: C,
      remoteId: '471947',
      conversationId: id('conversation', '268240'),
      kind: 'email',
      visibility: 'public',
      subject: null,
      body: { text: 'What are the experiment protocols for subject $SUBJECT_UUID$?', html: null },
      sentAt: '2014-09-22T12:05:06.000Z',
      createdAt: '2014-09-22T12:05:06.000Z',
      updatedAt: '2014-09-22T12:05:06.000Z',
      author: { role: 'from', ...john },
      participants: [{ role: 'from', ...john }],
      participantsStatus: 'complete',
      tags: [],
      comments: [],
      attachments: [],
    })
  })

  it('maps every recorded note field by field', () => {
    const bodies = of('GET', /^\/ticket\/[a-z0-9]{16}\/notes$/)
    expect(bodies).toHaveLength(12)
    let notes = 0
    for (const interaction of bodies) {
      for (const raw of JSON.parse(interaction.body) as Array<Record<string, unknown>>) {
        notes++
        const m = toMessage(raw, C, { tags: ['#lab'], includeRemote: true })
        const ticket = String(raw.ticket_id)
        expect(decodeId('message', m.id, 2)).toEqual({
          source: 'snappy',
          connection: C,
          parts: [ticket, String(raw.id)],
        })
        expect(decodeId('conversation', m.conversationId!, 1).parts).toEqual([ticket])
        expect(m.remoteId).toBe(String(raw.id))
        expect(m.kind).toBe(raw.scope === 'private' ? 'note' : 'email')
        expect(m.visibility).toBe(raw.scope)
        expect(m.subject).toBeNull()
        expect(m.body).toEqual({ text: raw.content, html: null })
        expect(m.sentAt).toBe(new Date((raw.created_at as number) * 1000).toISOString())
        expect(m.createdAt).toBe(m.sentAt)
        expect(m.updatedAt).toBe(`${(raw.updated_at as string).replace(' ', 'T')}.000Z`)
        // The recordings have the note written one to two seconds before it was stored.
        expect(Math.abs(Date.parse(m.updatedAt) - Date.parse(m.createdAt))).toBeLessThan(5_000)
        const contacts = raw.contacts as Array<Record<string, unknown>>
        expect(m.participants).toEqual(
          contacts.map((c) => ({
            role: c.type,
            name: `${c.first_name as string} ${c.last_name as string}`,
            address: c.value,
            contactId: id('contact', String(c.account_id), String(c.id)),
            kind: 'contact',
          })),
        )
        expect(m.author).toEqual({
          role: 'from',
          name: 'John Smith',
          address: 'john.smith@gmail.com',
          contactId: id('contact', '3249', String(raw.created_by_contact_id)),
          kind: 'contact',
        })
        expect(decodeId('contact', m.author!.contactId!, 2).parts).toEqual(['3249', '119399'])
        expect(m.tags).toEqual(['#lab'])
        expect(m.comments).toEqual([])
        expect(m.attachments).toEqual([])
        expect(m.remote?.format).toBe('json')
        expect(m.remote?.data).toMatchObject({
          id: raw.id,
          ticket_id: raw.ticket_id,
          scope: raw.scope,
          content: raw.content,
          created_at: raw.created_at,
        })
        expectNoSecrets(m)
      }
    }
    expect(notes).toBe(18)
  })

  it('reads the bare nonce `POST /note` answers as text/html', () => {
    const posts = of('POST', /^\/note$/)
    expect(posts.map((p) => p.contentType)).toEqual(['text/html; charset=UTF-8', 'text/html; charset=UTF-8'])
    expect(posts.map((p) => readNonce(Buffer.from(p.body), C))).toEqual(['s7hyagvrovdowrdr', 'rqjdgqpobbebnwno'])
  })
})
