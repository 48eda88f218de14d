import { clockReading } from '../../helpers/virtual-clock.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { OTHER_KEY, startSnappy, type Running } from './helpers.js'

let s: Running
beforeEach(async () => {
  s = await startSnappy({ seed: false, clock: clockReading(() => Date.UTC(2014, 8, 22, 12, 0, 0)) })
})
afterEach(async () => {
  await s.sim.close()
})

function account() {
  const d = s.sim.store.directory
  const acc = d.createAccount({ organization: 'Acme & Co', domain: 'acme.besnappy.com' })
  const staff = d.createStaff({ email: 'ann@acme.test', firstName: 'Ann', lastName: 'Lee' })
  d.addMember({ accountId: acc.id, staffId: staff.id, username: 'ann' })
  const mailbox = d.createMailbox({ accountId: acc.id, address: 'help@acme.test', display: 'Acme' })
  return { acc, staff, mailbox }
}

describe('store', () => {
  it('creates a ticket with a given nonce, reachable by that nonce over HTTP', async () => {
    const { mailbox } = account()
    const ticket = s.sim.store.tickets.createTicket({
      mailboxId: mailbox.id,
      nonce: 'h3r6rybkmdyr2j4q',
      defaultSubject: 'Given',
    })
    expect((await s.api('GET', '/ticket/h3r6rybkmdyr2j4q')).json()).toMatchObject({
      id: ticket.id,
      default_subject: 'Given',
    })
  })

  it('rejects a malformed or duplicate nonce', () => {
    const { mailbox } = account()
    s.sim.store.tickets.createTicket({ mailboxId: mailbox.id, nonce: 'abcdefghijklmnop' })
    expect(() => s.sim.store.tickets.createTicket({ mailboxId: mailbox.id, nonce: 'ABC' })).toThrow(RangeError)
    expect(() => s.sim.store.tickets.createTicket({ mailboxId: mailbox.id, nonce: 'abcdefghijklmnop' })).toThrow(
      /already exists/,
    )
  })

  it('creates notes with given fields, served exactly so', async () => {
    const { acc, mailbox } = account()
    const contact = s.sim.store.directory.createContact({
      accountId: acc.id,
      value: 'bo@example.org',
      firstName: 'Bo',
      lastName: '',
    })
    const ticket = s.sim.store.tickets.createTicket({ mailboxId: mailbox.id })
    s.sim.store.tickets.createNote({
      id: 471947,
      ticketId: ticket.id,
      createdByContactId: contact.id,
      content: 'Given content',
      createdAt: 1411387506,
      updatedAt: 1411387506,
      rawHeaders: 'X-Test: 1',
      contacts: [{ contactId: contact.id, type: 'from' }],
    })
    const [note] = (await s.api('GET', `/ticket/${ticket.nonce}/notes`)).json<Record<string, unknown>[]>()
    expect(note).toMatchObject({
      id: 471947,
      created_at: 1411387506,
      updated_at: '2014-09-22 12:05:06',
      content: 'Given content',
      raw_headers: 'X-Test: 1',
    })
  })

  it('maps a key to a staff member; unmapped keys act as the first staff of the first account', async () => {
    const { staff, acc } = account()
    const other = s.sim.store.directory.createStaff({ email: 'cy@acme.test', firstName: 'Cy', lastName: 'Ng' })
    s.sim.store.directory.addMember({ accountId: acc.id, staffId: other.id, username: 'cy' })
    s.sim.store.directory.assignKey(OTHER_KEY, other.id)
    const pivots = async (key?: string) =>
      (await s.api('GET', '/accounts', key === undefined ? {} : { key })).json<{ pivot: { staff_id: number } }[]>()
    expect((await pivots())[0]?.pivot.staff_id).toBe(staff.id)
    expect((await pivots(OTHER_KEY))[0]?.pivot.staff_id).toBe(other.id)
  })

  it('timestamps new records with the `now` option', async () => {
    const { acc } = account()
    const [mailbox] = (await s.api('GET', `/account/${acc.id}/mailboxes`)).json<{ created_at: string }[]>()
    expect(mailbox?.created_at).toBe('2014-09-22 12:00:00')
  })
})
