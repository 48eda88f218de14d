import { describe, expect, it } from 'vitest'
import { BatchBookStore, createBatchBookSimulator } from '../../../src/sandbox/batchbook/index.js'

describe('BatchBook simulator store', () => {
  it('seeds a realistic, deterministic data set', () => {
    const a = createBatchBookSimulator({ tokens: ['t'] }).store
    const b = createBatchBookSimulator({ tokens: ['t'] }).store
    expect(a.listCommunications()).toEqual(b.listCommunications())
    expect(a.listCommunications()).toHaveLength(60)
    expect(a.listContacts()).toHaveLength(15)
    expect(new Set(a.listCommunications().map((c) => c.ctype))).toEqual(new Set(['Email', 'Note', 'Phone', 'Chat']))
    expect(a.listContacts().map((c) => c.name)).toEqual(
      expect.arrayContaining(['José Núñez', 'Zoë Ångström', 'Łukasz Wróbel', '山田 太郎', 'Ørsted A/S']),
    )
    expect(a.listComments().length).toBeGreaterThan(10)
  })

  it('hands out copies, not the stored records', () => {
    const store = new BatchBookStore()
    const created = store.createCommunication({ ctype: 'Note', subject: 'original' })
    created.subject = 'changed'
    created.tagIds.push(99)
    expect(store.getCommunication(created.id)).toMatchObject({ subject: 'original', tagIds: [] })
  })

  it('keeps one tag per name, compared case-insensitively', () => {
    const store = new BatchBookStore()
    const first = store.tagNamed('Follow Up')
    expect(store.tagNamed(' follow up ')).toEqual(first)
    expect(store.listTags()).toHaveLength(1)
  })

  it('stamps created and updated times from its clock, in whole seconds', () => {
    let now = Date.UTC(2011, 0, 1, 0, 0, 0, 750)
    const store = new BatchBookStore({ now: () => now })
    const created = store.createCommunication({ ctype: 'Email' })
    expect(created.createdAt).toBe(Date.UTC(2011, 0, 1))
    now += 60_000
    expect(store.updateCommunication(created.id, { subject: 'x' })?.updatedAt).toBe(Date.UTC(2011, 0, 1, 0, 1))
  })

  it('refuses an id that is taken', () => {
    const store = new BatchBookStore()
    store.createContact({ id: 5, kind: 'person', name: 'A' })
    expect(() => store.createContact({ id: 5, kind: 'person', name: 'B' })).toThrow(RangeError)
    expect(store.createContact({ kind: 'company', name: 'C' }).id).toBe(6)
  })
})
