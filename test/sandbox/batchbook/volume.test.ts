import { describe, expect, it } from 'vitest'
import { BatchBookStore, createBatchBookSimulator } from '../../../src/sandbox/batchbook/index.js'
import { BATCHBOOK_PATHS, formatBatchBookDate } from '../../../src/upstreams/batchbook/wire.js'
import { call, communicationsOf, idsOf, startSimulator } from './helpers.js'

const DAY = 86_400_000
const AS_OF = Date.UTC(2025, 5, 1)
const FIRST_SEEDED = 69480
const SEEDED = 60

const simulator = (communications: number, asOf = AS_OF) =>
  createBatchBookSimulator({ tokens: ['t'], volume: { communications, asOf } })

describe('BatchBook volume option', () => {
  it('holds exactly the number of communications asked for, the seeded ones unchanged', () => {
    const plain = createBatchBookSimulator({ tokens: ['t'] }).store
    const { store } = simulator(2500)
    expect(store.communicationCount).toBe(2500)
    expect(store.listCommunications()).toHaveLength(2500)
    for (let id = FIRST_SEEDED; id < FIRST_SEEDED + SEEDED; id++) {
      expect(store.getCommunication(id)).toEqual(plain.getCommunication(id))
      expect(store.commentsOf(id)).toEqual(plain.commentsOf(id))
    }
  })

  it('adds nothing when fewer than the seeded communications are asked for', () => {
    expect(simulator(10).store.communicationCount).toBe(SEEDED)
  })

  it('is deterministic for the same volume and asOf', () => {
    const a = simulator(3000).store
    const b = simulator(3000).store
    expect(a.listCommunications()).toEqual(b.listCommunications())
    expect(a.listComments()).toEqual(b.listComments())
    expect(a.listContacts()).toEqual(b.listContacts())
    expect(a.listTags()).toEqual(b.listTags())
  })

  it('spreads consistent times over the two years before asOf, ids growing with time', () => {
    const { store } = simulator(3000)
    const generated = store.listCommunications().filter((c) => c.id >= FIRST_SEEDED + SEEDED)
    expect(generated).toHaveLength(3000 - SEEDED)
    for (const c of generated) {
      expect(c.date).toBeGreaterThanOrEqual(AS_OF - 732 * DAY)
      expect(c.date).toBeLessThanOrEqual(c.createdAt)
      expect(c.createdAt).toBeLessThanOrEqual(c.updatedAt)
      expect(c.updatedAt).toBeLessThanOrEqual(AS_OF)
      for (const comment of store.commentsOf(c.id)) {
        expect(comment.createdAt).toBeGreaterThanOrEqual(c.createdAt)
        expect(comment.createdAt).toBeLessThanOrEqual(c.updatedAt)
      }
    }
    const byId = [...generated].sort((a, b) => a.id - b.id)
    const oldest = byId.slice(0, 100)
    const newest = byId.slice(-100)
    expect(Math.max(...oldest.map((c) => c.createdAt))).toBeLessThan(Math.min(...newest.map((c) => c.createdAt)))
    expect(Math.min(...generated.map((c) => c.date))).toBeLessThan(AS_OF - 700 * DAY)
    expect(Math.max(...generated.map((c) => c.date))).toBeGreaterThan(AS_OF - 10 * DAY)
  })

  it('varies type, text, participants, tags and comments as the seed does', () => {
    const { store } = simulator(3000)
    const generated = store.listCommunications().filter((c) => c.id >= FIRST_SEEDED + SEEDED)
    expect(new Set(generated.map((c) => c.ctype))).toEqual(new Set(['Email', 'Note', 'Phone', 'Chat']))
    expect(new Set(generated.map((c) => c.subject)).size).toBeGreaterThan(1000)
    expect(new Set(generated.map((c) => c.body)).size).toBeGreaterThan(2000)
    const share = (test: (c: (typeof generated)[number]) => boolean) => generated.filter(test).length / generated.length
    expect(share((c) => c.participants.length > 0)).toBeGreaterThan(0.7)
    expect(share((c) => c.tagIds.length > 0)).toBeGreaterThan(0.3)
    expect(share((c) => store.commentsOf(c.id).length > 0)).toBeGreaterThan(0.1)
    // Words a full-text search can find in some records and not in others.
    for (const word of ['invoice', 'renewal', 'Montréal', 'Enterprise tier']) {
      expect(share((c) => `${c.subject}\n${c.body}`.includes(word))).toBeGreaterThan(0.005)
      expect(share((c) => `${c.subject}\n${c.body}`.includes(word))).toBeLessThan(0.5)
    }
    expect(store.listContacts().length).toBeGreaterThan(100)
  })

  it('rejects a volume it cannot generate', () => {
    expect(() => simulator(-1)).toThrow(RangeError)
    expect(() => simulator(1.5)).toThrow(RangeError)
    expect(() => createBatchBookSimulator({ tokens: ['t'], seed: false, volume: { communications: 100 } })).toThrow(
      RangeError,
    )
  })

  it('seeds 100,000 communications', () => {
    const { store } = simulator(100_000)
    expect(store.communicationCount).toBe(100_000)
    expect(store.listCommunications({ offset: 99_990, limit: 20 })).toHaveLength(10)
  })

  it('pages through a large store over HTTP, newest first', async () => {
    const { origin } = await startSimulator({ volume: { communications: 5000, asOf: AS_OF } })
    const first = communicationsOf((await call(origin, 'GET', '/service/communications.xml?limit=50')).text)
    const second = communicationsOf((await call(origin, 'GET', '/service/communications.xml?limit=50&offset=50')).text)
    expect(first).toHaveLength(50)
    expect(second).toHaveLength(50)
    const ids = [...idsOf(first), ...idsOf(second)]
    expect(new Set(ids).size).toBe(100)
    const last = communicationsOf((await call(origin, 'GET', '/service/communications.xml?offset=4995')).text)
    expect(last).toHaveLength(5)
    expect(idsOf(last).at(-1)).toBe(FIRST_SEEDED)
  })

  it('filters by updated_since inclusively (updated_at >= the time given)', async () => {
    const { sim, origin } = await startSimulator({ volume: { communications: 2000, asOf: AS_OF } })
    const target = sim.store.listCommunications({ limit: 500 }).at(-1)
    if (target === undefined) throw new Error('no communication')
    const since = formatBatchBookDate(new Date(target.updatedAt))
    const path = `/service/communications.xml?limit=5000&updated_since=${encodeURIComponent(since)}`
    const found = idsOf(communicationsOf((await call(origin, 'GET', path)).text))
    const expected = sim.store.listCommunications().filter((c) => c.updatedAt >= target.updatedAt)
    expect(found).toContain(target.id)
    expect(found.sort()).toEqual(expected.map((c) => c.id).sort())
  })
})

describe('BatchBook changes made outside a client', () => {
  const setup = () => {
    let now = Date.UTC(2011, 0, 1)
    const store = new BatchBookStore({ now: () => now })
    store.createContact({ id: 1, kind: 'person', name: 'Ann' })
    const c = store.createCommunication({ ctype: 'Email', subject: 'Hello', createdAt: Date.UTC(2010, 0, 1) })
    const later = () => {
      now += 60_000
      return now
    }
    const updatedAt = () => store.getCommunication(c.id)?.updatedAt
    return { store, id: c.id, later, updatedAt }
  }

  it('bumps updatedAt on a change of its fields', () => {
    const { store, id, later, updatedAt } = setup()
    const at = later()
    expect(store.updateCommunication(id, { subject: 'Changed' })).toMatchObject({ subject: 'Changed', updatedAt: at })
    expect(updatedAt()).toBe(at)
  })

  it('bumps updatedAt when tags change, and not when nothing does', () => {
    const { store, id, later, updatedAt } = setup()
    let at = later()
    store.addTags(id, ['vip'])
    expect(updatedAt()).toBe(at)
    later()
    store.addTags(id, ['VIP'])
    store.removeTags(id, ['not there'])
    expect(updatedAt()).toBe(at)
    at = later()
    store.removeTags(id, ['vip'])
    expect(updatedAt()).toBe(at)
  })

  it('bumps updatedAt when participants change, and not when nothing does', () => {
    const { store, id, later, updatedAt } = setup()
    let at = later()
    expect(store.addParticipant(id, 1, 'to')).toBe(true)
    expect(updatedAt()).toBe(at)
    later()
    store.addParticipant(id, 1, 'to')
    store.removeParticipant(id, 1, 'cc')
    expect(updatedAt()).toBe(at)
    at = later()
    store.removeParticipant(id, 1, 'to')
    expect(updatedAt()).toBe(at)
  })

  it('bumps updatedAt when a comment is added, edited or deleted', () => {
    const { store, id, later, updatedAt } = setup()
    let at = later()
    const comment = store.createComment({ recordId: id, comment: 'First', user: 'Eric Krause' })
    expect(updatedAt()).toBe(at)
    at = later()
    store.updateComment(comment?.id ?? 0, 'Edited')
    expect(updatedAt()).toBe(at)
    at = later()
    expect(store.deleteComment(comment?.id ?? 0)).toBe(true)
    expect(updatedAt()).toBe(at)
    expect(store.commentsOf(id)).toEqual([])
    later()
    store.createComment({ recordId: id, comment: 'History', user: 'Eric Krause', createdAt: 0, touch: false })
    expect(updatedAt()).toBe(at)
  })

  it('keeps the list order when dates change, records come and go', () => {
    const { store, id } = setup()
    const second = store.createCommunication({ ctype: 'Note', date: Date.UTC(2010, 5, 1) }).id
    expect(store.listCommunications().map((c) => c.id)).toEqual([second, id])
    store.updateCommunication(id, { date: Date.UTC(2010, 11, 1) })
    expect(store.listCommunications().map((c) => c.id)).toEqual([id, second])
    const third = store.createCommunication({ ctype: 'Note', date: Date.UTC(2010, 8, 1) }).id
    expect(store.listCommunications().map((c) => c.id)).toEqual([id, third, second])
    store.deleteCommunication(third)
    expect(store.listCommunications({ offset: 1 }).map((c) => c.id)).toEqual([second])
  })

  it('counts requests per method and route, including changes made over HTTP', async () => {
    const { sim, origin } = await startSimulator({ volume: { communications: 1000, asOf: AS_OF } })
    const route = (method: string, path: { pattern: string }) => `${method} ${path.pattern}`
    await call(origin, 'GET', '/service/communications.xml')
    await call(origin, 'GET', '/service/communications.xml?offset=10')
    await call(origin, 'GET', `/service/communications/${FIRST_SEEDED}.xml`)
    const before = sim.store.getCommunication(FIRST_SEEDED)?.updatedAt ?? 0
    await call(origin, 'PUT', `/service/communications/${FIRST_SEEDED}/add_tag.xml`, {
      body: '<tag>renewal</tag>',
      contentType: 'application/xml',
    })
    expect(sim.stats.count(route('GET', BATCHBOOK_PATHS.communications))).toBe(2)
    expect(sim.stats.count(route('GET', BATCHBOOK_PATHS.communication))).toBe(1)
    expect(sim.stats.count(route('PUT', BATCHBOOK_PATHS.addTag))).toBe(1)
    expect(sim.stats.requests).toBe(4)
    expect(sim.store.getCommunication(FIRST_SEEDED)?.updatedAt).toBeGreaterThan(before)
    sim.stats.reset()
    expect(sim.stats.byRoute.size).toBe(0)
  })
})
