import { describe, expect, it } from 'vitest'
import type { BatchBookStore } from '../../../src/sandbox/batchbook/index.js'
import { call, errorsOf, formBody, num, participantsOf, startSimulator } from './helpers.js'

/** A seeded communication with participants in at least two roles. */
function mixedRoles(store: BatchBookStore): number {
  const found = store.listCommunications().find((c) => new Set(c.participants.map((p) => p.role)).size >= 2)
  if (found === undefined) throw new Error('seed has no communication with mixed roles')
  return found.id
}

const listOf = async (origin: string, id: number, query = '') =>
  participantsOf((await call(origin, 'GET', `/service/communications/${id}/participants.xml${query}`)).text).map(
    (p) => [num(p.contact_id), p.role],
  )

describe('BatchBook simulator: participants', () => {
  it('lists all participants with name, contact_id and role', async () => {
    const { sim, origin } = await startSimulator()
    const id = mixedRoles(sim.store)
    const res = await call(origin, 'GET', `/service/communications/${id}/participants.xml`)
    expect(res.status).toBe(200)
    const expected = sim.store
      .participantsOf(id)
      ?.map((p) => ({ name: p.contact.name, contactId: p.contact.id, role: p.role }))
    expect(participantsOf(res.text).map((p) => ({ name: p.name, contactId: num(p.contact_id), role: p.role }))).toEqual(
      expected,
    )
  })

  it('lists only the participants of one role', async () => {
    const { sim, origin } = await startSimulator()
    const id = mixedRoles(sim.store)
    const role = sim.store.participantsOf(id)?.[0]?.role as string
    const listed = await listOf(origin, id, `?role=${role}`)
    expect(listed.length).toBeGreaterThan(0)
    expect(listed.length).toBeLessThan(sim.store.participantsOf(id)?.length ?? 0)
    expect(listed.every(([, r]) => r === role)).toBe(true)
  })

  it('answers 404 for the participants of a missing communication', async () => {
    const { origin } = await startSimulator()
    expect((await call(origin, 'GET', '/service/communications/1/participants.xml')).status).toBe(404)
  })

  it('adds a participant from query parameters', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'PUT', '/service/communications/69522/add_participant.xml?contact_id=1&role=cc')
    expect(res.status).toBe(200)
    expect(res.text).toBe('')
    expect(await listOf(origin, 69522)).toEqual([[1, 'cc']])
  })

  it('adds a participant from a form body with person_id', async () => {
    const { origin } = await startSimulator()
    const res = await call(
      origin,
      'PUT',
      '/service/communications/69522/add_participant.xml',
      formBody('person_id=7&role=from'),
    )
    expect(res.status).toBe(200)
    const listed = participantsOf((await call(origin, 'GET', '/service/communications/69522/participants.xml')).text)
    expect(listed.map((p) => [p.name, p.role])).toEqual([['山田 太郎', 'from']])
  })

  it('adds a company with company_id', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'PUT', '/service/communications/69522/add_participant.xml?company_id=8&role=to')
    expect(res.status).toBe(200)
    expect(await listOf(origin, 69522)).toEqual([[8, 'to']])
  })

  it('makes the communication findable by contact_id once added', async () => {
    const { origin } = await startSimulator()
    await call(origin, 'PUT', '/service/communications/69522/add_participant.xml?contact_id=1&role=to')
    const res = await call(origin, 'GET', '/service/communications.xml?contact_id=1&limit=1000')
    expect(res.text).toContain('<id type="integer">69522</id>')
  })

  it('answers 422 without a role', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'PUT', '/service/communications/69522/add_participant.xml?contact_id=1')
    expect(res.status).toBe(422)
    expect(errorsOf(res.text)[0]).toMatch(/role/i)
  })

  it('answers 422 for an unknown role', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'PUT', '/service/communications/69522/add_participant.xml?contact_id=1&role=boss')
    expect(res.status).toBe(422)
  })

  it('answers 422 without a contact', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'PUT', '/service/communications/69522/add_participant.xml?role=to')
    expect(res.status).toBe(422)
    expect(errorsOf(res.text)[0]).toMatch(/contact/i)
  })

  it('ignores an XML body, which the docs say these requests cannot use', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'PUT', '/service/communications/69522/add_participant.xml', {
      body: '<participant><contact_id>1</contact_id><role>to</role></participant>',
      contentType: 'application/xml',
    })
    expect(res.status).toBe(422)
  })

  it('answers 404 for an unknown contact', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'PUT', '/service/communications/69522/add_participant.xml?contact_id=999&role=to')
    expect(res.status).toBe(404)
  })

  it('answers 404 when person_id names a company', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'PUT', '/service/communications/69522/add_participant.xml?person_id=8&role=to')
    expect(res.status).toBe(404)
  })

  it('removes a participant named in the query string', async () => {
    const { origin } = await startSimulator()
    await call(origin, 'PUT', '/service/communications/69522/add_participant.xml?contact_id=1&role=cc')
    await call(origin, 'PUT', '/service/communications/69522/add_participant.xml?contact_id=4&role=from')
    const res = await call(
      origin,
      'DELETE',
      '/service/communications/69522/remove_participant.xml?contact_id=1&role=cc',
    )
    expect(res.status).toBe(200)
    expect(res.text).toBe('')
    expect(await listOf(origin, 69522)).toEqual([[4, 'from']])
  })

  it('removes a participant named in a form body', async () => {
    const { origin } = await startSimulator()
    await call(origin, 'PUT', '/service/communications/69522/add_participant.xml?contact_id=1&role=cc')
    const res = await call(
      origin,
      'DELETE',
      '/service/communications/69522/remove_participant.xml',
      formBody('contact_id=1&role=cc'),
    )
    expect(res.status).toBe(200)
    expect(await listOf(origin, 69522)).toEqual([])
  })

  it('answers 422 when removing without a role', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'DELETE', '/service/communications/69522/remove_participant.xml?contact_id=1')
    expect(res.status).toBe(422)
  })
})
