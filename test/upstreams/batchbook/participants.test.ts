import { describe, expect, it } from 'vitest'
import { encodeId } from '../../../src/ids.js'
import { toParticipants } from '../../../src/upstreams/batchbook/participants.js'
import { decodeXml } from '../../../src/upstreams/batchbook/xml.js'

// The List All Participants example of the vendor doc (its elided third element left out).
const SEED_PARTICIPANTS = `<participants type="array">
  <participant>
    <name>Matt Gillooly</name>
    <contact_id type="integer">4</contact_id>
    <role>from</role>
  </participant>
  <participant>
    <name>Pamela O'Hara</name>
    <contact_id type="integer">1</contact_id>
    <role>cc</role>
  </participant>
</participants>`

const contact = (id: string) => encodeId('contact', { source: 'batchbook', connection: 'batchbook', parts: [id] })

describe('BatchBook participants → Participant', () => {
  it('maps the documented example exactly', () => {
    expect(toParticipants(decodeXml(SEED_PARTICIPANTS, 65536).value, 'batchbook')).toEqual([
      { role: 'from', name: 'Matt Gillooly', address: null, contactId: contact('4'), kind: 'contact' },
      { role: 'cc', name: "Pamela O'Hara", address: null, contactId: contact('1'), kind: 'contact' },
    ])
  })

  it('reads both empty forms as no participants', () => {
    expect(toParticipants(decodeXml('<participants type="array"/>', 1024).value, 'batchbook')).toEqual([])
    expect(
      toParticipants(decodeXml('<participants type="array">\n  </participants>', 1024).value, 'batchbook'),
    ).toEqual([])
  })

  it('refuses an unknown role', () => {
    const xml =
      '<participants type="array"><participant><name>X</name><contact_id type="integer">4</contact_id><role>owner</role></participant></participants>'
    expect(() => toParticipants(decodeXml(xml, 1024).value, 'batchbook')).toThrow(/role/)
  })
})
