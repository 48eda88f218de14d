import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSnappy, type Running } from './helpers.js'

const NONCE = /^[a-z0-9]{16}$/

interface Note {
  scope: string
  content: string
  using_html: number
  created_by_staff_id: number | null
  created_by_contact_id: number | null
  contacts: {
    id: number
    first_name: string
    last_name: string
    address: string
    type: string
    pivot: { type: string }
  }[]
  attachments: { id: number; filename: string; type: string; size: number }[]
}

let s: Running
beforeEach(async () => {
  s = await startSnappy()
})
afterEach(async () => {
  await s.sim.close()
})

const fromJohn = {
  mailbox_id: 3642,
  subject: 'Test subject',
  from: [{ name: 'John Smith', address: 'john.smith@gmail.com' }],
  message: 'Are all experiment protocols being followed?',
}

async function post(body: unknown) {
  const res = await s.api('POST', '/note', { json: body })
  return res
}

describe('POST /note', () => {
  it('opens a ticket for a customer note and answers the bare nonce as text/html', async () => {
    const res = await post(fromJohn)
    expect(res.status).toBe(200)
    expect(res.type).toBe('text/html; charset=UTF-8')
    expect(res.text).toMatch(NONCE)
    const ticket = (await s.api('GET', `/ticket/${res.text}`)).json<Record<string, unknown>>()
    expect(ticket).toMatchObject({
      status: 'waiting',
      last_reply_by: 'customer',
      created_via: 'api',
      opened_by_contact_id: 119399,
      default_subject: 'Test subject',
      unread: true,
    })
  })

  it('stores a customer note as plain text from the existing contact', async () => {
    const nonce = (await post({ ...fromJohn, message: 'Plain <b>text</b> & more' })).text
    const [note] = (await s.api('GET', `/ticket/${nonce}/notes/`)).json<Note[]>()
    expect(note).toMatchObject({
      content: 'Plain <b>text</b> & more',
      using_html: 0,
      created_by_contact_id: 119399,
      scope: 'public',
    })
    expect(note?.contacts).toMatchObject([{ id: 119399, type: 'from', pivot: { type: 'from' } }])
  })

  it('renders a staff note "to" a customer as escaped HTML and marks the ticket replied', async () => {
    const nonce = (
      await post({
        mailbox_id: 3642,
        staff_id: 58,
        subject: 'Hello',
        to: [{ name: 'John Smith', address: 'john.smith@gmail.com' }],
        message: 'Hi John,\n\nUse <b> & "quotes".\nBye',
      })
    ).text
    const [note] = (await s.api('GET', `/ticket/${nonce}/notes`)).json<Note[]>()
    expect(note).toMatchObject({
      content: '<p>Hi John,</p>\n<p>Use &lt;b&gt; &amp; &quot;quotes&quot;.<br />\nBye</p>\n',
      using_html: 0,
      created_by_staff_id: 58,
      created_by_contact_id: null,
    })
    expect(note?.contacts).toMatchObject([{ id: 119399, type: 'to' }])
    expect((await s.api('GET', `/ticket/${nonce}`)).json()).toMatchObject({
      status: 'replied',
      last_reply_by: 'staff',
      opened_by_staff_id: 58,
    })
  })

  it('replies into an existing ticket named by nonce in `id`', async () => {
    const nonce = (await post(fromJohn)).text
    const again = await post({ ...fromJohn, id: nonce, message: 'Do we need more goop?' })
    expect(again.text).toBe(nonce)
    const notes = (await s.api('GET', `/ticket/${nonce}/notes`)).json<Note[]>()
    expect(notes.map((n) => n.content)).toEqual(['Do we need more goop?', fromJohn.message])
  })

  it("makes a customer reply the ticket's latest and sets it waiting again", async () => {
    const ticket = s.sim.store.tickets.tickets.find((t) => t.status === 'replied' && t.accountId === 3249)
    const customer = s.sim.store.directory.contacts.get(ticket?.openedByContactId ?? -1)
    await post({
      id: ticket?.nonce,
      mailbox_id: ticket?.mailboxId,
      from: [{ address: customer?.value }],
      message: 'Any news?',
    })
    expect((await s.api('GET', `/ticket/${ticket?.id}`)).json()).toMatchObject({
      status: 'waiting',
      last_reply_by: 'customer',
      summary: 'Any news?',
      unread: true,
    })
  })

  it('adds a private note without moving the ticket', async () => {
    const ticket = s.sim.store.tickets.tickets.find((t) => t.status === 'waiting' && t.accountId === 3249)
    const before = (await s.api('GET', `/ticket/${ticket?.id}`)).json<Record<string, unknown>>()
    const res = await post({
      id: ticket?.nonce,
      mailbox_id: ticket?.mailboxId,
      staff_id: 3696,
      scope: 'private',
      message: 'Internal: check logs',
    })
    expect(res.text).toBe(ticket?.nonce)
    const [note] = (await s.api('GET', `/ticket/${ticket?.id}/notes`)).json<Note[]>()
    expect(note).toMatchObject({
      scope: 'private',
      created_by_staff_id: 3696,
      content: '<p>Internal: check logs</p>\n',
    })
    const after = (await s.api('GET', `/ticket/${ticket?.id}`)).json<Record<string, unknown>>()
    expect(after).toMatchObject({ status: before.status, last_reply_at: before.last_reply_at, summary: before.summary })
  })

  it('adds cc and bcc participants, creating unknown contacts with their name split once', async () => {
    const nonce = (
      await post({
        ...fromJohn,
        cc: [{ name: 'Zoë Ångström', address: 'zoe.angstrom@example.se' }],
        bcc: [{ name: 'Nguyễn Văn An', address: 'an.nguyen@example.vn' }],
      })
    ).text
    const [note] = (await s.api('GET', `/ticket/${nonce}/notes`)).json<Note[]>()
    expect(note?.contacts.map((c) => [c.address, c.type, c.first_name, c.last_name])).toEqual([
      ['john.smith@gmail.com', 'from', 'John', 'Smith'],
      ['zoe.angstrom@example.se', 'cc', 'Zoë', 'Ångström'],
      ['an.nguyen@example.vn', 'bcc', 'Nguyễn', 'Văn An'],
    ])
    const ticket = (await s.api('GET', `/ticket/${nonce}`)).json<{ contacts: unknown[] }>()
    expect(ticket.contacts).toHaveLength(3)
  })

  it('adds the given tags to the ticket', async () => {
    const nonce = (await post({ ...fromJohn, tags: ['#lab', '@jeremy'] })).text
    expect((await s.api('GET', `/ticket/${nonce}`)).json<{ tags: string[] }>().tags).toEqual(['#lab', '@jeremy'])
  })

  it('stores base64 attachments on the note, downloadable byte for byte', async () => {
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255])
    const nonce = (
      await post({
        ...fromJohn,
        attachments: [{ filename: 'données.bin', type: 'application/octet-stream', content: bytes.toString('base64') }],
      })
    ).text
    const [note] = (await s.api('GET', `/ticket/${nonce}/notes`)).json<Note[]>()
    expect(note?.attachments).toMatchObject([{ filename: 'données.bin', size: 6, type: 'application/octet-stream' }])
    const download = await s.api('GET', `/ticket/${nonce}/attachment/${note?.attachments[0]?.id}/download`)
    expect(download.bytes.equals(bytes)).toBe(true)
    expect(download.headers['content-disposition']).toContain("filename*=UTF-8''donn%C3%A9es.bin")
  })

  it('accepts a form body with PHP-style nested fields', async () => {
    const form =
      'mailbox_id=3642&subject=Form+note&message=Hello+from+a+form&from%5B0%5D%5Bname%5D=Jos%C3%A9+N%C3%BA%C3%B1ez&from%5B0%5D%5Baddress%5D=jose.nunez%40correo.example.mx'
    const res = await s.api('POST', '/note', { form })
    expect(res.text).toMatch(NONCE)
    const [note] = (await s.api('GET', `/ticket/${res.text}/notes`)).json<Note[]>()
    expect(note?.contacts[0]).toMatchObject({ first_name: 'José', last_name: 'Núñez', type: 'from' })
  })

  it('answers 422 JSON naming every missing field', async () => {
    const res = await post({ from: fromJohn.from })
    expect(res.status).toBe(422)
    expect(res.type).toBe('application/json')
    expect(res.json()).toEqual({
      mailbox_id: ['The mailbox id field is required.'],
      message: ['The message field is required.'],
    })
  })

  it('answers 422 for a mailbox the caller cannot post to', async () => {
    const res = await post({ ...fromJohn, mailbox_id: 999 })
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({ mailbox_id: ['The selected mailbox id is invalid.'] })
  })

  it('answers 422 when the note has neither an author nor a sender', async () => {
    const res = await post({ mailbox_id: 3642, message: 'Who am I?', to: fromJohn.from })
    expect(res.status).toBe(422)
    expect(Object.keys(res.json())).toEqual(['from'])
  })

  it('answers 422 for an unknown ticket nonce', async () => {
    const res = await post({ ...fromJohn, id: 'zzzzzzzzzzzzzzzz' })
    expect(res.json()).toEqual({ id: ['The selected id is invalid.'] })
  })

  it("answers 422 for a staff member outside the mailbox's account", async () => {
    const res = await post({ ...fromJohn, staff_id: 3703 })
    expect(res.json()).toEqual({ staff_id: ['The selected staff id is invalid.'] })
  })

  it('answers 422 for an address that is not an e-mail address', async () => {
    const res = await post({ ...fromJohn, cc: [{ name: 'Nobody', address: 'not-an-address' }] })
    expect(res.json()).toEqual({ 'cc.0.address': ['The cc.0.address must be a valid email address.'] })
  })

  it('answers 422 JSON for a body that is not valid JSON', async () => {
    const res = await s.api('POST', '/note', {
      body: '{"mailbox_id": 36',
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(422)
    expect(res.type).toBe('application/json')
  })
})
