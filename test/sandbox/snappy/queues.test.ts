import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { OTHER_KEY, startSnappy, type Running } from './helpers.js'

interface Ticket {
  id: number
  nonce: string
  mailbox_id: number
  status: string
  tags: string[]
  last_reply_at: number
}

let s: Running
beforeEach(async () => {
  s = await startSnappy()
})
afterEach(async () => {
  await s.sim.close()
})

const get = async (path: string, key?: string) =>
  (await s.api('GET', path, key === undefined ? {} : { key })).json<Ticket[]>()

describe('ticket queues', () => {
  it('waiting (mailbox) lists every waiting ticket of the mailbox, longest-waiting first', async () => {
    const tickets = await get('/mailbox/3642/waiting')
    const expected = s.sim.store.tickets.tickets.filter((t) => t.mailboxId === 3642 && t.status === 'waiting')
    expect(tickets.map((t) => t.id).sort()).toEqual(expected.map((t) => t.id).sort())
    const times = tickets.map((t) => t.last_reply_at)
    expect(times).toEqual([...times].sort((a, b) => a - b))
  })

  it('waiting (account) spans all mailboxes of the account', async () => {
    const tickets = await get('/account/3249/waiting')
    expect(new Set(tickets.map((t) => t.mailbox_id))).toEqual(new Set([3642, 3643]))
    expect(tickets.every((t) => t.status === 'waiting')).toBe(true)
  })

  it('inbox (account) holds only waiting tickets assigned to nobody', async () => {
    const tickets = await get('/account/3249/inbox')
    expect(tickets.length).toBeGreaterThan(0)
    expect(tickets.every((t) => t.status === 'waiting' && !t.tags.some((tag) => tag.startsWith('@')))).toBe(true)
  })

  it('inbox (mailbox) is the mailbox part of the account inbox', async () => {
    const account = await get('/account/3249/inbox')
    const mailbox = await get('/mailbox/3642/inbox')
    expect(mailbox.map((t) => t.id)).toEqual(account.filter((t) => t.mailbox_id === 3642).map((t) => t.id))
  })

  it("yours (account) holds the waiting tickets tagged with the caller's @username", async () => {
    const tickets = await get('/account/3249/yours')
    expect(tickets.length).toBeGreaterThan(0)
    expect(tickets.every((t) => t.status === 'waiting' && t.tags.includes('@mike'))).toBe(true)
  })

  it('yours (mailbox) depends on who calls', async () => {
    s.sim.store.directory.assignKey(OTHER_KEY, 3696)
    const jeremy = await get('/mailbox/3642/yours', OTHER_KEY)
    expect(jeremy.length).toBeGreaterThan(0)
    expect(jeremy.every((t) => t.tags.includes('@jeremy') && t.mailbox_id === 3642)).toBe(true)
  })

  it('moves a ticket from the inbox to yours when it is tagged @username', async () => {
    const [first] = await get('/account/3249/inbox')
    await s.api('POST', `/ticket/${first?.nonce}/tags`, { json: { tags: ['@mike'] } })
    expect((await get('/account/3249/inbox')).map((t) => t.id)).not.toContain(first?.id)
    expect((await get('/account/3249/yours')).map((t) => t.id)).toContain(first?.id)
  })

  it('answers 404 for an unknown mailbox', async () => {
    expect((await s.api('GET', '/mailbox/999999/waiting')).status).toBe(404)
  })
})
