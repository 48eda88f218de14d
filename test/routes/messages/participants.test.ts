import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeId } from '../../../src/ids.js'
import type { Participant } from '../../../src/schemas/message.js'
import { FAST_LIMITS, startGateway, type RunningGateway } from '../../helpers/gateway.js'
import { call } from '../../helpers/messages.js'

let gw: RunningGateway
let id: number
const bb = () => gw.sandbox!.batchbook.simulator
const msg = () => encodeId('message', { source: 'batchbook', connection: 'batchbook', parts: [String(id)] })
const contact = (n: number) => encodeId('contact', { source: 'batchbook', connection: 'batchbook', parts: [String(n)] })

beforeAll(async () => {
  gw = await startGateway({ withSandbox: true, limits: FAST_LIMITS })
  id = bb().store.createCommunication({ subject: 'Meeting', body: 'Notes', ctype: 'Note' }).id
  bb().store.addParticipant(id, 4, 'from')
  bb().store.addParticipant(id, 1, 'cc')
})
afterAll(async () => gw.close())

describe('message participants (BatchBook)', () => {
  it('lists the participants with names, roles and contact ids', async () => {
    const res = await call<{ data: Participant[] }>('GET', `${gw.url}/v1/messages/${msg()}/participants`)
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual([
      { role: 'from', name: 'Matt Gillooly', address: null, contactId: contact(4), kind: 'contact' },
      { role: 'cc', name: "Pamela O'Hara", address: null, contactId: contact(1), kind: 'contact' },
    ])
  })

  it('answers the list as every list does, with a null nextCursor', async () => {
    const res = await call<{ data: Participant[]; nextCursor: string | null }>(
      'GET',
      `${gw.url}/v1/messages/${msg()}/participants`,
    )
    expect(res.status).toBe(200)
    expect(Object.keys(res.body).sort()).toEqual(['data', 'nextCursor'])
    expect(res.body.nextCursor).toBeNull()
  })

  it('lists the participants of one role', async () => {
    const res = await call<{ data: Participant[] }>('GET', `${gw.url}/v1/messages/${msg()}/participants?role=cc`)
    expect(res.body.data.map((p) => p.contactId)).toEqual([contact(1)])
    expect(bb().stats.recent.at(-1)?.url).toMatch(/participants\.xml\?role=cc$/)
  })

  it('adds a participant and answers with all of them', async () => {
    const res = await call<{ data: Participant[] }>('POST', `${gw.url}/v1/messages/${msg()}/participants`, {
      contactId: contact(7),
      role: 'to',
    })
    expect(res.status).toBe(200)
    expect(res.body.data.map((p) => [p.role, p.contactId])).toContainEqual(['to', contact(7)])
    expect(
      bb()
        .store.participantsOf(id)
        ?.map((p) => [p.contact.id, p.role]),
    ).toContainEqual([7, 'to'])
  })

  it('removes a participant in a role', async () => {
    const res = await call('DELETE', `${gw.url}/v1/messages/${msg()}/participants/${contact(1)}?role=cc`)
    expect(res.status).toBe(204)
    expect(
      bb()
        .store.participantsOf(id)
        ?.some((p) => p.contact.id === 1),
    ).toBe(false)
    const list = await call<{ data: Participant[] }>('GET', `${gw.url}/v1/messages/${msg()}/participants`)
    expect(list.body.data.some((p) => p.contactId === contact(1))).toBe(false)
  })

  it('requires a role to remove a participant', async () => {
    expect(await call('DELETE', `${gw.url}/v1/messages/${msg()}/participants/${contact(4)}`)).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    })
  })

  it('answers 404 for a contact the upstream does not know', async () => {
    expect(
      await call('POST', `${gw.url}/v1/messages/${msg()}/participants`, { contactId: contact(999), role: 'to' }),
    ).toMatchObject({ status: 404 })
  })
})
