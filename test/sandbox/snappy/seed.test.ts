import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KEY, startSnappy, type Running } from './helpers.js'

const RECORDED = new URL('../../fixtures/snappy-recorded/', import.meta.url)

function recordedBody(file: string): unknown {
  const cassette = JSON.parse(readFileSync(fileURLToPath(new URL(file, RECORDED)), 'utf8')) as {
    http_interactions: { response: { body: { string: string } } }[]
  }
  return JSON.parse(cassette.http_interactions[0]?.response.body.string ?? 'null')
}

let s: Running
beforeEach(async () => {
  s = await startSnappy()
})
afterEach(async () => {
  await s.sim.close()
})

describe('seed data', () => {
  it('reproduces the recorded account exactly for the recorded staff member', async () => {
    s.sim.store.directory.assignKey(KEY, 3696)
    expect((await s.api('GET', '/accounts')).json()).toEqual(recordedBody('test_get_accounts.json'))
  })

  it('reproduces the recorded mailbox exactly', async () => {
    const [mailbox] = (await s.api('GET', '/account/3249/mailboxes')).json<unknown[]>()
    expect([mailbox]).toEqual(recordedBody('test_get_mailboxes.json'))
  })

  it('reproduces the recorded staff exactly, tokens included', async () => {
    const staff = (await s.api('GET', '/account/3249/staff')).json<unknown[]>()
    expect(staff.slice(0, 2)).toEqual(recordedBody('test_get_staff.json'))
  })

  it('has two accounts, four mailboxes, six staff and thirty contacts', () => {
    const d = s.sim.store.directory
    expect([d.accounts.size, d.mailboxes.size, d.staff.size, d.contacts.size]).toEqual([2, 4, 6, 30])
    const names = d.contacts.all().map((c) => `${c.firstName} ${c.lastName}`)
    expect(names).toEqual(
      expect.arrayContaining(['John Smith', 'José Núñez', 'Zoë Ångström', 'Łukasz Wróbel', '山田 太郎']),
    )
  })

  it('has forty tickets with one to six notes each, in every status, some private', () => {
    const { tickets } = s.sim.store
    const all = tickets.tickets.all()
    expect(all).toHaveLength(40)
    const counts = all.map((t) => tickets.notesOf(t.id).length)
    expect(Math.min(...counts)).toBe(1)
    expect(Math.max(...counts)).toBe(6)
    expect(new Set(all.map((t) => t.status))).toEqual(new Set(['waiting', 'replied', 'followup', 'closed']))
    expect(tickets.notes.filter((n) => n.scope === 'private').length).toBeGreaterThan(0)
    expect(all.some((t) => /[<&"]/.test(t.defaultSubject))).toBe(true)
    expect(tickets.attachments.size).toBeGreaterThanOrEqual(3)
  })

  it('mixes plain-text customer notes with HTML staff notes', () => {
    const notes = s.sim.store.tickets.notes.all()
    expect(
      notes.filter((n) => n.createdByStaffId !== null).every((n) => n.content.startsWith('<p>') && n.usingHtml === 0),
    ).toBe(true)
    expect(
      notes.filter((n) => n.createdByContactId !== null).every((n) => !n.content.includes('<p>') && n.usingHtml === 0),
    ).toBe(true)
  })

  it('has six documents, forty wall posts with comments and likes, and two FAQs', () => {
    const { documents, wall, faqs } = s.sim.store
    expect(documents.documents.size).toBe(6)
    expect(wall.posts.size).toBe(40)
    expect(wall.comments.size).toBeGreaterThan(0)
    expect(wall.likes.size).toBeGreaterThan(0)
    expect(faqs.faqs.size).toBe(2)
    expect(faqs.topics.size).toBeGreaterThanOrEqual(4)
    expect(faqs.questions.size).toBeGreaterThanOrEqual(8)
  })

  it('is deterministic', async () => {
    const other = await startSnappy()
    try {
      const [a, b] = await Promise.all([
        s.api('GET', '/account/3249/waiting'),
        other.api('GET', '/account/3249/waiting'),
      ])
      expect(a.text).toBe(b.text)
    } finally {
      await other.sim.close()
    }
  })

  it('can be left out', async () => {
    const empty = await startSnappy({ seed: false })
    try {
      expect((await empty.api('GET', '/accounts')).json()).toEqual([])
      expect(empty.sim.store.tickets.tickets.size).toBe(0)
    } finally {
      await empty.sim.close()
    }
  })
})
