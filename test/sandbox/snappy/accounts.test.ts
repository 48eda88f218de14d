import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { OTHER_KEY, startSnappy, type Running } from './helpers.js'

let s: Running
beforeEach(async () => {
  s = await startSnappy()
})
afterEach(async () => {
  await s.sim.close()
})

describe('GET /accounts', () => {
  it('lists the accounts of the staff member behind the key, each with that member as pivot', async () => {
    const res = await s.api('GET', '/accounts')
    expect(res.status).toBe(200)
    const accounts = res.json<{ id: number; pivot: { staff_id: number; username: string } }[]>()
    expect(accounts.map((a) => a.id)).toEqual([3249, 3088])
    expect(accounts.every((a) => a.pivot.staff_id === 58 && a.pivot.username === 'mike')).toBe(true)
  })

  it('follows a key mapped to another staff member', async () => {
    s.sim.store.directory.assignKey(OTHER_KEY, 3696)
    const accounts = (await s.api('GET', '/accounts', { key: OTHER_KEY })).json<
      { id: number; pivot: { username: string } }[]
    >()
    expect(accounts.map((a) => [a.id, a.pivot.username])).toEqual([[3249, 'jeremy']])
  })
})

describe('account resources', () => {
  it('lists mailboxes with language, smtp settings and signature', async () => {
    const mailboxes = (await s.api('GET', '/account/3249/mailboxes')).json<Record<string, unknown>[]>()
    expect(mailboxes.map((m) => m.id)).toEqual([3642, 3643])
    expect(Object.keys(mailboxes[0] ?? {})).toEqual(
      expect.arrayContaining(['language', 'smtp_enabled', 'smtp', 'signature', 'local_part']),
    )
  })

  it('lists staff with pivot, address, username and the token fields', async () => {
    const staff = (await s.api('GET', '/account/3249/staff')).json<Record<string, unknown>[]>()
    expect(staff.map((m) => m.id)).toEqual([58, 3696, 3701, 3702])
    const nomsa = staff[2] as Record<string, unknown>
    expect(nomsa).toMatchObject({
      username: 'nomsa',
      address: 'nomsa@westerncapelabs.com',
      pivot: { account_id: 3249, staff_id: 3701 },
    })
    for (const field of [
      'remember_token',
      'apple_device_token',
      'verification_token',
      'sms_number',
      'mobile_notify',
      'mobile_viewing_account',
    ]) {
      expect(nomsa).toHaveProperty(field)
    }
    expect(typeof nomsa.remember_token).toBe('string')
  })

  it('answers 404 for an account the caller is not a member of', async () => {
    s.sim.store.directory.assignKey(OTHER_KEY, 3696)
    const res = await s.api('GET', '/account/3088/mailboxes', { key: OTHER_KEY })
    expect(res.status).toBe(404)
    expect(res.type).toBe('text/html; charset=UTF-8')
  })
})

describe('GET /account/{id}/contacts/{id-or-email}', () => {
  it('finds a contact by id and answers a one-element array', async () => {
    const res = await s.api('GET', '/account/3249/contacts/119399')
    expect(res.json()).toEqual([
      {
        id: 119399,
        account_id: 3249,
        first_name: 'John',
        last_name: 'Smith',
        value: 'john.smith@gmail.com',
        provider: 'email',
        created_at: '2014-09-18 10:27:27',
        updated_at: '2014-09-18 10:27:27',
        address: 'john.smith@gmail.com',
      },
    ])
  })

  it('finds a contact by e-mail address, case-insensitively', async () => {
    const res = await s.api('GET', `/account/3249/contacts/${encodeURIComponent('mj.oneill@example.IE')}`)
    expect(res.json<{ first_name: string; last_name: string }[]>()).toMatchObject([
      { first_name: 'Mary-Jane', last_name: "O'Neill" },
    ])
  })

  it('keeps non-ASCII names intact', async () => {
    const res = await s.api('GET', '/account/3249/contacts/taro.yamada@example.jp')
    expect(res.json<{ first_name: string; last_name: string }[]>()[0]).toMatchObject({
      first_name: '山田',
      last_name: '太郎',
    })
  })

  it('answers 404 when no contact matches', async () => {
    expect((await s.api('GET', '/account/3249/contacts/nobody@example.com')).status).toBe(404)
  })

  it('does not find a contact of another account', async () => {
    const other = s.sim.store.directory.findContactByAddress(3088, 'emily.clarke@example.co.uk')
    expect((await s.api('GET', `/account/3249/contacts/${other?.id}`)).status).toBe(404)
  })
})

describe('GET /account/{id}/search', () => {
  it('answers meta.total and meta.page with the matching tickets as data', async () => {
    const res = await s.api('GET', '/account/3249/search?query=invoice&page=1')
    const body = res.json<{
      meta: { total: number; page: number }
      data: { default_subject: string; nonce: string }[]
    }>()
    expect(Object.keys(body)).toEqual(['meta', 'data'])
    expect(body.meta).toEqual({ total: body.data.length, page: 1 })
    expect(body.data.length).toBeGreaterThan(0)
    expect(body.data[0]?.nonce).toMatch(/^[a-z0-9]{16}$/)
  })

  it('matches accent- and case-insensitively across contacts and notes', async () => {
    const jose = s.sim.store.directory.findContactByAddress(3249, 'jose.nunez@correo.example.mx')
    const expected = s.sim.store.tickets
      .ticketsOf(3249)
      .filter((t) => t.contacts.some((c) => c.contactId === jose?.id)).length
    const body = (await s.api('GET', '/account/3249/search?query=NUNEZ')).json<{ meta: { total: number } }>()
    expect(expected).toBeGreaterThan(0)
    expect(body.meta.total).toBe(expected)
  })

  it('pages results 25 at a time with the total of all matches', async () => {
    for (let i = 0; i < 30; i++)
      s.sim.store.tickets.createTicket({ mailboxId: 3642, defaultSubject: `Printer jam ${i}` })
    const first = (await s.api('GET', '/account/3249/search?query=printer+jam&page=1')).json<{
      meta: unknown
      data: unknown[]
    }>()
    const second = (await s.api('GET', '/account/3249/search?query=printer+jam&page=2')).json<{
      meta: unknown
      data: unknown[]
    }>()
    expect(first.meta).toEqual({ total: 30, page: 1 })
    expect(first.data).toHaveLength(25)
    expect(second.meta).toEqual({ total: 30, page: 2 })
    expect(second.data).toHaveLength(5)
  })

  it('finds nothing for an empty query', async () => {
    expect((await s.api('GET', '/account/3249/search?query=')).json()).toEqual({
      meta: { total: 0, page: 1 },
      data: [],
    })
  })
})
