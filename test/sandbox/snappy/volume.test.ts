import { afterEach, describe, expect, it } from 'vitest'
import { clockReading } from '../../helpers/virtual-clock.js'
import type { SnappySimulatorOptions } from '../../../src/sandbox/snappy/index.js'
import { SNAPPY_API_PREFIX, SNAPPY_PATHS, sqlTime, toUnix } from '../../../src/upstreams/snappy/wire.js'
import { OTHER_KEY, startSnappy, type Running } from './helpers.js'

const AS_OF = Date.UTC(2025, 5, 1)
const ACCOUNTS = [3249, 3088]
const MAILBOXES = [3642, 3643, 3590, 3591]
/** Waiting tickets in the plain seed. */
const SEEDED_WAITING = 19
const SEEDED_TICKETS = 40

interface Ticket {
  id: number
  nonce: string
  account_id: number
  mailbox_id: number
  status: string
  tags: string[]
  last_reply_at: number
  updated_at: string
}

interface Note {
  id: number
  created_at: number
  scope: string
  created_by_staff_id: number | null
  created_by_contact_id: number | null
}

const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.sim.close()))
})

async function start(options: Partial<SnappySimulatorOptions> = {}): Promise<Running> {
  const s = await startSnappy(options)
  running.push(s)
  return s
}

const volume = (tickets: number, notesPerTicket?: number) => ({
  volume: { tickets, asOf: AS_OF, ...(notesPerTicket === undefined ? {} : { notesPerTicket }) },
})

async function waiting(s: Running, key?: string): Promise<Ticket[]> {
  const lists = await Promise.all(
    ACCOUNTS.map(async (id) =>
      (await s.api('GET', `/account/${id}/waiting`, key === undefined ? {} : { key })).json<Ticket[]>(),
    ),
  )
  return lists.flat()
}

describe('Snappy volume option', () => {
  it('fills the account queues with exactly the number of open tickets asked for', async () => {
    const s = await start(volume(300))
    const tickets = await waiting(s)
    expect(tickets).toHaveLength(300)
    expect(tickets.every((t) => t.status === 'waiting')).toBe(true)
    expect(s.sim.store.tickets.tickets.size).toBe(SEEDED_TICKETS + 300 - SEEDED_WAITING)
  })

  it('spreads them over both accounts and every mailbox, assigned and unassigned', async () => {
    const s = await start(volume(400))
    const tickets = await waiting(s)
    for (const mailbox of MAILBOXES) expect(tickets.filter((t) => t.mailbox_id === mailbox).length).toBeGreaterThan(10)
    const inbox = (await s.api('GET', '/account/3249/inbox')).json<Ticket[]>()
    const yours = (await s.api('GET', '/account/3249/yours')).json<Ticket[]>()
    const wcl = tickets.filter((t) => t.account_id === 3249)
    expect(inbox.length).toBeGreaterThan(wcl.length / 4)
    expect(yours.length).toBeGreaterThan(20)
    expect(yours.every((t) => t.tags.includes('@mike'))).toBe(true)
    s.sim.store.directory.assignKey(OTHER_KEY, 3703)
    expect((await s.api('GET', '/account/3088/yours', { key: OTHER_KEY })).json<Ticket[]>().length).toBeGreaterThan(10)
  })

  it('gives each generated ticket its notes from the customer and staff, at distinct times, the customer last', async () => {
    const s = await start(volume(150, 3))
    const { tickets } = s.sim.store
    const generated = tickets.tickets.filter((t) => t.status === 'waiting' && t.openedAt > toUnix(AS_OF) - 46 * 86_400)
    expect(generated).toHaveLength(150 - SEEDED_WAITING)
    const times = new Set<number>()
    for (const ticket of generated) {
      const notes = tickets.notesOf(ticket.id).reverse()
      expect(notes).toHaveLength(3)
      expect(notes.map((n) => n.createdByStaffId !== null)).toEqual([false, true, false])
      expect(notes[0]?.createdAt).toBe(ticket.openedAt)
      expect(notes[2]?.createdAt).toBe(ticket.lastReplyAt)
      expect(ticket.updatedAt).toBeGreaterThanOrEqual(ticket.lastReplyAt)
      expect(ticket.updatedAt).toBeLessThanOrEqual(toUnix(AS_OF))
      expect(ticket.lastReplyBy).toBe('customer')
      for (const note of notes) times.add(note.createdAt)
      const contact = s.sim.store.directory.contacts.get(ticket.openedByContactId ?? 0)
      expect(contact?.createdAt).toBeLessThan(ticket.openedAt)
      expect(contact?.accountId).toBe(ticket.accountId)
    }
    expect(times.size).toBe(generated.length * 3)
  })

  it('defaults to two notes, the staff one internal, so the ticket stays waiting', async () => {
    const s = await start(volume(60))
    const [ticket] = (await waiting(s)).sort((a, b) => b.id - a.id)
    const notes = (await s.api('GET', `/ticket/${ticket?.nonce}/notes`)).json<Note[]>()
    expect(notes).toHaveLength(2)
    expect(notes[0]).toMatchObject({ scope: 'private', created_by_contact_id: null })
    expect(notes[1]).toMatchObject({ scope: 'public', created_by_staff_id: null })
    expect(notes[0]?.created_at).toBeGreaterThan(notes[1]?.created_at ?? Infinity)
  })

  it('is deterministic for the same volume and asOf', async () => {
    const a = await start(volume(200, 4))
    const b = await start(volume(200, 4))
    expect(a.sim.store.tickets.tickets.all()).toEqual(b.sim.store.tickets.tickets.all())
    expect(a.sim.store.tickets.notes.all()).toEqual(b.sim.store.tickets.notes.all())
    expect(a.sim.store.directory.contacts.all()).toEqual(b.sim.store.directory.contacts.all())
  })

  it('adds nothing when the seed already has that many open tickets', async () => {
    const s = await start(volume(5))
    expect(s.sim.store.tickets.tickets.size).toBe(SEEDED_TICKETS)
  })

  it('rejects a volume it cannot generate', async () => {
    await expect(start(volume(-3))).rejects.toThrow(RangeError)
    await expect(start(volume(10, 0))).rejects.toThrow(RangeError)
    await expect(start({ seed: false, volume: { tickets: 10 } })).rejects.toThrow(RangeError)
  })

  it('seeds 1,000 open tickets', async () => {
    const s = await start(volume(1000))
    expect(await waiting(s)).toHaveLength(1000)
  })
})

describe('Snappy changes made outside a client', () => {
  let now = Date.UTC(2025, 5, 2, 9, 0, 0)
  const clock = { clock: clockReading(() => now) }
  const later = () => {
    now += 60_000
    return toUnix(now)
  }

  it('bumps updated_at when status or tags change; a closed ticket leaves the queues', async () => {
    const s = await start({ ...volume(50), ...clock })
    const [ticket] = await waiting(s)
    const id = ticket?.id ?? 0
    let at = later()
    expect(s.sim.store.tickets.updateTicket(id, { tags: ['#vip'] })).toMatchObject({ tags: ['#vip'], updatedAt: at })
    at = later()
    expect(s.sim.store.tickets.closeTicket(id)).toMatchObject({ status: 'closed', updatedAt: at })
    expect((await waiting(s)).map((t) => t.id)).not.toContain(id)
    expect(s.sim.store.tickets.updateTicket(1, { status: 'waiting' })).toBeUndefined()
  })

  it('moves a ticket along when a note is added, as a posted note would', async () => {
    const s = await start({ ...volume(50), ...clock })
    const { tickets } = s.sim.store
    const [listed] = await waiting(s)
    const ticket = tickets.tickets.get(listed?.id ?? 0)
    if (ticket === undefined) throw new Error('no ticket')
    let at = later()
    tickets.addNote({ ticketId: ticket.id, createdByStaffId: 58, content: '<p>Fixed &amp; deployed.</p>\n' })
    expect(ticket).toMatchObject({ status: 'replied', lastReplyBy: 'staff', lastReplyAt: at, updatedAt: at })
    expect(ticket.summary).toBe('Fixed & deployed.')
    expect((await waiting(s)).map((t) => t.id)).not.toContain(ticket.id)

    at = later()
    const customer = ticket.openedByContactId ?? 0
    const note = tickets.addNote({
      ticketId: ticket.id,
      createdByContactId: customer,
      content: 'Still broken for me.',
      contacts: [{ contactId: customer, type: 'from' }],
    })
    expect(ticket).toMatchObject({ status: 'waiting', lastReplyBy: 'customer', lastReplyAt: at, updatedAt: at })
    expect(tickets.notesOf(ticket.id)[0]).toBe(note)
    expect((await waiting(s)).map((t) => t.id)).toContain(ticket.id)

    at = later()
    tickets.addNote({ ticketId: ticket.id, createdByStaffId: 58, scope: 'private', content: '<p>Looking.</p>\n' })
    expect(ticket).toMatchObject({ status: 'waiting', lastReplyAt: at - 60, updatedAt: at })
  })

  it('bumps updated_at when the status or tags are set over HTTP', async () => {
    const s = await start({ ...volume(30), ...clock })
    const [ticket] = await waiting(s)
    let at = later()
    const tagged = (await s.api('POST', `/ticket/${ticket?.id}/tags`, { json: { tags: ['#x'] } })).json<Ticket>()
    expect(tagged.updated_at).toBe(sqlTime(at))
    at = later()
    const closed = (await s.api('PUT', `/ticket/${ticket?.id}/status`, { json: { status: 'closed' } })).json<Ticket>()
    expect(closed.updated_at).toBe(sqlTime(at))
  })

  it('counts requests per method and route', async () => {
    const s = await start(volume(30))
    const route = (method: string, pattern: string) => `${method} ${SNAPPY_API_PREFIX}${pattern}`
    const [ticket] = await waiting(s)
    await s.api('GET', `/ticket/${ticket?.nonce}/notes`)
    await s.api('GET', `/ticket/${ticket?.id}/notes/`)
    expect(s.sim.stats.count(route('GET', SNAPPY_PATHS.queue('account', 'waiting').pattern))).toBe(2)
    expect(s.sim.stats.count(route('GET', SNAPPY_PATHS.ticketNotes.pattern))).toBe(2)
    expect(s.sim.stats.requests).toBe(4)
  })
})
