import { describe, expect, it } from 'vitest'
import type { Communication } from '../../../src/sandbox/batchbook/index.js'
import {
  call,
  communicationOf,
  communicationsOf,
  errorsOf,
  formBody,
  idsOf,
  locationPath,
  num,
  startSimulator,
  xmlBody,
} from './helpers.js'

/** The documented order, computed independently of the simulator: newest date, then highest id. */
const newestFirst = (list: Communication[]) => [...list].sort((a, b) => b.date - a.date || b.id - a.id).map((c) => c.id)

describe('BatchBook simulator: show', () => {
  it('answers the documented example record as documented', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'GET', '/service/communications/69522.xml')
    expect(res.status).toBe(200)
    const c = communicationOf(res.text)
    expect(num(c.id)).toBe(69522)
    expect(c.subject).toBe('Re: Hi again!')
    expect(c.body).toBe('The body of the email')
    expect(c.date).toBe('2010-05-28 10:53:00 -0400')
    expect(c.ctype).toBe('Email')
    expect(c.created_at).toBe('Fri May 28 14:53:32 UTC 2010')
    expect(c.updated_at).toBe('Fri May 28 14:53:44 UTC 2010')
  })

  it('answers 404 for a missing communication', async () => {
    const { origin } = await startSimulator()
    expect((await call(origin, 'GET', '/service/communications/1.xml')).status).toBe(404)
  })

  it('answers 404 for an id that is not a number', async () => {
    const { origin } = await startSimulator()
    expect((await call(origin, 'GET', '/service/communications/abc.xml')).status).toBe(404)
  })
})

describe('BatchBook simulator: list', () => {
  it('answers the first 10 by default, newest date first', async () => {
    const { sim, origin } = await startSimulator()
    const res = await call(origin, 'GET', '/service/communications.xml')
    expect(res.status).toBe(200)
    expect(idsOf(communicationsOf(res.text))).toEqual(newestFirst(sim.store.listCommunications()).slice(0, 10))
  })

  it('pages with offset and limit', async () => {
    const { sim, origin } = await startSimulator()
    const res = await call(origin, 'GET', '/service/communications.xml?offset=10&limit=5')
    expect(idsOf(communicationsOf(res.text))).toEqual(newestFirst(sim.store.listCommunications()).slice(10, 15))
  })

  it('orders communications with the same date by id, highest first', async () => {
    const { sim, origin } = await startSimulator()
    const all = sim.store.listCommunications()
    const tie = all.find((c) => all.some((d) => d.id !== c.id && d.date === c.date))
    expect(tie).toBeDefined()
    const ids = idsOf(communicationsOf((await call(origin, 'GET', '/service/communications.xml?limit=1000')).text))
    const tied = ids.filter((id) => all.find((c) => c.id === id)?.date === tie?.date)
    expect(tied.length).toBeGreaterThan(1)
    expect(tied).toEqual([...tied].sort((a, b) => b - a))
  })

  it('answers an empty array past the last record', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'GET', '/service/communications.xml?offset=1000')
    expect(res.status).toBe(200)
    expect(communicationsOf(res.text)).toEqual([])
  })

  it('rejects a non-numeric limit with 422', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'GET', '/service/communications.xml?limit=ten')
    expect(res.status).toBe(422)
    expect(errorsOf(res.text)).toHaveLength(1)
  })
})

describe('BatchBook simulator: search', () => {
  it('filters by ctype case-insensitively', async () => {
    const { sim, origin } = await startSimulator()
    const found = communicationsOf(
      (await call(origin, 'GET', '/service/communications.xml?ctype=PHONE&limit=1000')).text,
    )
    const phones = sim.store.listCommunications().filter((c) => c.ctype === 'Phone')
    expect(phones.length).toBeGreaterThan(0)
    expect(found.map((c) => c.ctype)).toEqual(phones.map(() => 'Phone'))
  })

  it('rejects an unknown ctype with 422', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'GET', '/service/communications.xml?ctype=fax')
    expect(res.status).toBe(422)
    expect(errorsOf(res.text)[0]).toMatch(/ctype/i)
  })

  it('filters by contact_id to the communications that contact takes part in', async () => {
    const { sim, origin } = await startSimulator()
    const found = communicationsOf(
      (await call(origin, 'GET', '/service/communications.xml?contact_id=3&limit=1000')).text,
    )
    const expected = sim.store.listCommunications().filter((c) => c.participants.some((p) => p.contactId === 3))
    expect(expected.length).toBeGreaterThan(0)
    expect(idsOf(found).sort()).toEqual(expected.map((c) => c.id).sort())
  })

  it('filters by updated_since and updated_before in the documented date form', async () => {
    const { sim, origin } = await startSimulator()
    const since = Date.UTC(2009, 0, 1)
    const before = Date.UTC(2010, 0, 1)
    const path = `/service/communications.xml?limit=1000&updated_since=${encodeURIComponent('Jan 01 00:00:00 UTC 2009')}&updated_before=${encodeURIComponent('Jan 01 00:00:00 UTC 2010')}`
    const found = idsOf(communicationsOf((await call(origin, 'GET', path)).text))
    const expected = sim.store.listCommunications().filter((c) => c.updatedAt >= since && c.updatedAt < before)
    expect(expected.length).toBeGreaterThan(0)
    expect(found.sort()).toEqual(expected.map((c) => c.id).sort())
  })

  it('filters by created_since and created_before in the documented date form', async () => {
    const { sim, origin } = await startSimulator()
    const since = Date.UTC(2010, 6, 1, 13, 37, 38)
    const path = `/service/communications.xml?limit=1000&created_since=${encodeURIComponent('Jul 01 13:37:38 UTC 2010')}&created_before=${encodeURIComponent('Jan 01 00:00:00 UTC 2011')}`
    const found = idsOf(communicationsOf((await call(origin, 'GET', path)).text))
    const expected = sim.store
      .listCommunications()
      .filter((c) => c.createdAt >= since && c.createdAt < Date.UTC(2011, 0, 1))
    expect(expected.length).toBeGreaterThan(0)
    expect(found.sort()).toEqual(expected.map((c) => c.id).sort())
  })

  it('answers 422 with Rails-style errors for an unparseable date', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'GET', '/service/communications.xml?created_since=yesterday')
    expect(res.status).toBe(422)
    expect(res.headers['content-type']).toMatch(/^application\/xml/)
    expect(errorsOf(res.text)[0]).toMatch(/created since/i)
  })

  it('combines search with offset and limit', async () => {
    const { sim, origin } = await startSimulator()
    const found = communicationsOf(
      (await call(origin, 'GET', '/service/communications.xml?ctype=email&offset=2&limit=3')).text,
    )
    const emails = newestFirst(sim.store.listCommunications().filter((c) => c.ctype === 'Email'))
    expect(idsOf(found)).toEqual(emails.slice(2, 5))
  })
})

describe('BatchBook simulator: create', () => {
  it('creates from an XML body: 201, empty body, a followable Location', async () => {
    const { origin } = await startSimulator()
    const res = await call(
      origin,
      'POST',
      '/service/communications.xml',
      xmlBody(
        '<communication><subject>A Simple Communication</subject><body>The body of the message</body><date>Jul 01 13:37:38 UTC 2010</date><ctype>note</ctype></communication>',
      ),
    )
    expect(res.status).toBe(201)
    expect(res.text).toBe('')
    expect(String(res.headers.location)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/service\/communications\/\d+\.xml$/)
    const back = await call(origin, 'GET', locationPath(origin, res))
    expect(back.status).toBe(200)
    const c = communicationOf(back.text)
    expect([c.subject, c.body, c.date, c.ctype]).toEqual([
      'A Simple Communication',
      'The body of the message',
      '2010-07-01 09:37:38 -0400',
      'Note',
    ])
  })

  it('creates from a form body as the PHP client sends it', async () => {
    const { origin } = await startSimulator()
    const form = new URLSearchParams({
      'communication[subject]': 'Called back',
      'communication[body]': 'Line one\nLine two',
      'communication[date]': 'Jul 01 13:37:38 UTC 2010',
      'communication[ctype]': 'PHONE',
    })
    const res = await call(origin, 'POST', '/service/communications.xml', formBody(form.toString()))
    expect(res.status).toBe(201)
    const c = communicationOf((await call(origin, 'GET', locationPath(origin, res))).text)
    expect([c.subject, c.body, c.ctype]).toEqual(['Called back', 'Line one\nLine two', 'Phone'])
  })

  it('accepts an ISO 8601 date', async () => {
    const { origin } = await startSimulator()
    const res = await call(
      origin,
      'POST',
      '/service/communications.xml',
      xmlBody('<communication><date>2010-07-01T13:37:38Z</date><ctype>chat</ctype></communication>'),
    )
    expect(res.status).toBe(201)
    expect(communicationOf((await call(origin, 'GET', locationPath(origin, res))).text).date).toBe(
      '2010-07-01 09:37:38 -0400',
    )
  })

  it('rejects an invalid ctype with 422', async () => {
    const { sim, origin } = await startSimulator({ seed: false })
    const res = await call(
      origin,
      'POST',
      '/service/communications.xml',
      xmlBody('<communication><subject>x</subject><ctype>fax</ctype></communication>'),
    )
    expect(res.status).toBe(422)
    expect(errorsOf(res.text)[0]).toMatch(/ctype/i)
    expect(sim.store.listCommunications()).toEqual([])
  })

  it('rejects a body whose root is not <communication> with 422', async () => {
    const { origin } = await startSimulator()
    const res = await call(
      origin,
      'POST',
      '/service/communications.xml',
      xmlBody('<contact><ctype>note</ctype></contact>'),
    )
    expect(res.status).toBe(422)
  })

  it('rejects malformed XML with 400', async () => {
    const { origin } = await startSimulator()
    const res = await call(
      origin,
      'POST',
      '/service/communications.xml',
      xmlBody('<communication><ctype>note</communication>'),
    )
    expect(res.status).toBe(400)
    expect(errorsOf(res.text)[0]).toMatch(/malformed/i)
  })
})

describe('BatchBook simulator: update and destroy', () => {
  it('updates only the fields sent, answers 200 with an empty body and bumps updated_at', async () => {
    const { origin } = await startSimulator()
    const res = await call(
      origin,
      'PUT',
      '/service/communications/69522.xml',
      xmlBody('<communication><subject>Changed</subject><ctype>email</ctype></communication>'),
    )
    expect(res.status).toBe(200)
    expect(res.text).toBe('')
    const c = communicationOf((await call(origin, 'GET', '/service/communications/69522.xml')).text)
    expect([c.subject, c.body, c.date]).toEqual(['Changed', 'The body of the email', '2010-05-28 10:53:00 -0400'])
    expect(c.updated_at).not.toBe('Fri May 28 14:53:44 UTC 2010')
    expect(c.created_at).toBe('Fri May 28 14:53:32 UTC 2010')
  })

  it('updates from a form body', async () => {
    const { origin } = await startSimulator()
    const res = await call(
      origin,
      'PUT',
      '/service/communications/69522.xml',
      formBody('communication%5Bdate%5D=Jul+01+13%3A37%3A38+UTC+2010'),
    )
    expect(res.status).toBe(200)
    expect(communicationOf((await call(origin, 'GET', '/service/communications/69522.xml')).text).date).toBe(
      '2010-07-01 09:37:38 -0400',
    )
  })

  it('answers 404 when updating a missing communication', async () => {
    const { origin } = await startSimulator()
    const res = await call(
      origin,
      'PUT',
      '/service/communications/1.xml',
      xmlBody('<communication><subject>x</subject></communication>'),
    )
    expect(res.status).toBe(404)
  })

  it('destroys with 200 and an empty body, after which the record is gone', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'DELETE', '/service/communications/69522.xml')
    expect(res.status).toBe(200)
    expect(res.text).toBe('')
    expect((await call(origin, 'GET', '/service/communications/69522.xml')).status).toBe(404)
  })

  it('answers 404 when destroying a missing communication', async () => {
    const { origin } = await startSimulator()
    expect((await call(origin, 'DELETE', '/service/communications/1.xml')).status).toBe(404)
  })
})
