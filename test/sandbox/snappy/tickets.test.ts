import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSnappy, type Running } from './helpers.js'

interface Note {
  id: number
  created_at: number
  updated_at: string
  content: string
  using_html: number
  scope: string
  staff_creator: Record<string, unknown> | null
  contact_creator: Record<string, unknown> | null
  creator: Record<string, unknown> | null
  attachments: { id: number; filename: string; size: number; type: string }[]
}

let s: Running
beforeEach(async () => {
  s = await startSnappy()
})
afterEach(async () => {
  await s.sim.close()
})

const seeded = (
  predicate: (t: ReturnType<Running['sim']['store']['tickets']['tickets']['all']>[number]) => boolean = () => true,
) => {
  const ticket = s.sim.store.tickets.tickets.find(predicate)
  if (ticket === undefined) throw new Error('no such seeded ticket')
  return ticket
}

describe('GET /ticket/{id}', () => {
  it('answers the ticket by numeric id with mixed timestamp formats', async () => {
    const ticket = seeded((t) => t.firstStaffReplyAt !== null)
    const body = (await s.api('GET', `/ticket/${ticket.id}`)).json<Record<string, unknown>>()
    expect(body).toMatchObject({ id: ticket.id, nonce: ticket.nonce, account_id: 3249 })
    expect(typeof body.created_at).toBe('number')
    expect(typeof body.opened_at).toBe('number')
    expect(typeof body.last_reply_at).toBe('number')
    expect(body.updated_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    expect(body.first_staff_reply_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    expect(body.mailbox).toMatchObject({ id: ticket.mailboxId })
    expect(body.opener).toMatchObject({ id: ticket.openedByContactId })
  })

  it('answers the same ticket by its nonce', async () => {
    const ticket = seeded()
    const body = (await s.api('GET', `/ticket/${ticket.nonce}`)).json<{ id: number }>()
    expect(body.id).toBe(ticket.id)
  })

  it('answers 404 (HTML) for an unknown ticket', async () => {
    const res = await s.api('GET', '/ticket/zzzzzzzzzzzzzzzz')
    expect(res.status).toBe(404)
    expect(res.type).toBe('text/html; charset=UTF-8')
  })
})

describe('GET /ticket/{id}/notes', () => {
  it('lists notes newest first', async () => {
    const ticket = seeded((t) => s.sim.store.tickets.notesOf(t.id).length >= 3)
    const notes = (await s.api('GET', `/ticket/${ticket.id}/notes`)).json<Note[]>()
    const times = notes.map((n) => n.created_at)
    expect(times).toEqual([...times].sort((a, b) => b - a))
  })

  it('renders staff notes as HTML with a staff creator carrying token fields', async () => {
    const note = s.sim.store.tickets.notes.find((n) => n.createdByStaffId !== null && n.scope === 'public')
    const ticket = seeded((t) => t.id === note?.ticketId)
    const notes = (await s.api('GET', `/ticket/${ticket.nonce}/notes`)).json<Note[]>()
    const staffNote = notes.find((n) => n.id === note?.id) as Note
    expect(staffNote.content).toMatch(/^<p>[\s\S]*<\/p>\n$/)
    expect(staffNote.using_html).toBe(0)
    expect(staffNote.contact_creator).toBeNull()
    expect(staffNote.creator).toEqual(staffNote.staff_creator)
    expect(staffNote.staff_creator).toHaveProperty('remember_token')
    expect(staffNote.staff_creator).not.toHaveProperty('pivot')
  })

  it('keeps customer notes as plain text with a contact creator', async () => {
    const ticket = seeded()
    const notes = (await s.api('GET', `/ticket/${ticket.id}/notes`)).json<Note[]>()
    const first = notes.at(-1) as Note
    expect(first.using_html).toBe(0)
    expect(first.content).not.toContain('<p>')
    expect(first.staff_creator).toBeNull()
    expect(first.creator).toEqual(first.contact_creator)
  })

  it('tolerates a trailing slash, as recorded clients send it', async () => {
    const ticket = seeded()
    const res = await s.api('GET', `/ticket/${ticket.nonce}/notes/`)
    expect(res.status).toBe(200)
    expect(res.json<Note[]>().length).toBeGreaterThan(0)
  })
})

describe('POST /ticket/{id}/tags', () => {
  it('replaces the tags from a JSON body and answers the ticket', async () => {
    const ticket = seeded()
    const res = await s.api('POST', `/ticket/${ticket.nonce}/tags`, { json: { tags: ['#tag1', '#tag2'] } })
    expect(res.status).toBe(200)
    expect(res.json<{ tags: string[] }>().tags).toEqual(['#tag1', '#tag2'])
    expect(ticket.tags).toEqual(['#tag1', '#tag2'])
  })

  it('accepts a form field holding a JSON-encoded list', async () => {
    const ticket = seeded()
    const form = new URLSearchParams({ tags: JSON.stringify(['#billing', '@nomsa']) }).toString()
    const res = await s.api('POST', `/ticket/${ticket.id}/tags`, { form })
    expect(res.json<{ tags: string[] }>().tags).toEqual(['#billing', '@nomsa'])
  })

  it('accepts PHP-style form arrays', async () => {
    const ticket = seeded()
    const res = await s.api('POST', `/ticket/${ticket.id}/tags`, { form: 'tags%5B%5D=a&tags%5B%5D=b' })
    expect(res.json<{ tags: string[] }>().tags).toEqual(['a', 'b'])
  })

  it('clears the tags with an empty list', async () => {
    const ticket = seeded((t) => t.tags.length > 0)
    const res = await s.api('POST', `/ticket/${ticket.id}/tags`, { json: { tags: [] } })
    expect(res.json<{ tags: string[] }>().tags).toEqual([])
  })

  it('answers 422 JSON without a tags field', async () => {
    const res = await s.api('POST', `/ticket/${seeded().id}/tags`, { json: {} })
    expect(res.status).toBe(422)
    expect(res.type).toBe('application/json')
    expect(res.json()).toEqual({ tags: ['The tags field is required.'] })
  })
})

describe('PUT /ticket/{id}/status', () => {
  it('updates the status and answers the ticket', async () => {
    const ticket = seeded((t) => t.status === 'waiting')
    const res = await s.api('PUT', `/ticket/${ticket.nonce}/status`, { json: { status: 'replied' } })
    expect(res.json<{ status: string }>().status).toBe('replied')
    expect(ticket.status).toBe('replied')
  })

  it('accepts a form body', async () => {
    const ticket = seeded()
    const res = await s.api('PUT', `/ticket/${ticket.id}/status`, { form: 'status=closed' })
    expect(res.json<{ status: string }>().status).toBe('closed')
  })

  it('answers 422 for an unknown status', async () => {
    const res = await s.api('PUT', `/ticket/${seeded().id}/status`, { json: { status: 'snoozed' } })
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({ status: ['The selected status is invalid.'] })
  })
})

describe('DELETE /ticket/{id}', () => {
  it('deletes the ticket with its notes', async () => {
    const ticket = seeded()
    const res = await s.api('DELETE', `/ticket/${ticket.nonce}`)
    expect(res.status).toBe(200)
    expect(res.json<{ id: number }>().id).toBe(ticket.id)
    expect((await s.api('GET', `/ticket/${ticket.id}`)).status).toBe(404)
    expect(s.sim.store.tickets.notesOf(ticket.id)).toEqual([])
  })

  it('tolerates an empty JSON body, as clients that always send the header do', async () => {
    const res = await s.api('DELETE', `/ticket/${seeded().id}`, {
      body: '',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    })
    expect(res.status).toBe(200)
  })
})

describe('GET /ticket/{id}/attachment/{attachment_id}/download', () => {
  it('streams the attachment byte for byte with its type and length', async () => {
    const attachment = s.sim.store.tickets.attachments.find((a) => a.filename === 'raw-dump.bin')
    const ticket = seeded((t) => t.id === attachment?.ticketId)
    const res = await s.api('GET', `/ticket/${ticket.nonce}/attachment/${attachment?.id}/download`)
    expect(res.status).toBe(200)
    expect(res.type).toBe('application/octet-stream')
    expect(res.headers['content-length']).toBe('256')
    expect([...res.bytes]).toEqual(Array.from({ length: 256 }, (_, i) => i))
  })

  it('lists attachments on their note', async () => {
    const attachment = s.sim.store.tickets.attachments.find((a) => a.filename === 'safari-console.png')
    const notes = (await s.api('GET', `/ticket/${attachment?.ticketId}/notes`)).json<Note[]>()
    const listed = notes.flatMap((n) => n.attachments)
    expect(listed).toEqual([
      expect.objectContaining({
        id: attachment?.id,
        filename: 'safari-console.png',
        type: 'image/png',
        size: attachment?.size,
      }),
    ])
  })

  it('answers 404 for an attachment of another ticket', async () => {
    const attachment = s.sim.store.tickets.attachments.all()[0]
    const other = seeded((t) => t.id !== attachment?.ticketId)
    expect((await s.api('GET', `/ticket/${other.id}/attachment/${attachment?.id}/download`)).status).toBe(404)
  })
})
