/** BatchBook participants (`participants.xml`) → normalized participants. */
import { encodeId } from '../../ids.js'
import type { Participant } from '../../schemas/message.js'
import { type XmlValue, XmlDecodeError, asArray, asObject, asText } from './xml.js'
import { NUMERIC_ID } from '../../rules.js'
import { PARTICIPANT_ROLES } from './wire.js'

const ROLES: ReadonlySet<string> = new Set(PARTICIPANT_ROLES)

export function toParticipants(value: XmlValue, connection: string): Participant[] {
  return asArray(value, 'participants').map((item) => {
    const record = asObject(item, 'participant')
    const role = (asText(record.role) ?? '').trim().toLowerCase()
    if (!ROLES.has(role)) throw new XmlDecodeError(`participant role '${role.slice(0, 20)}' is unknown`)
    const contactId = asText(record.contact_id)?.trim() ?? ''
    if (!NUMERIC_ID.test(contactId)) throw new XmlDecodeError('participant contact_id is missing or not numeric')
    return {
      role: role as Participant['role'],
      name: asText(record.name),
      address: null,
      contactId: encodeId('contact', { source: 'batchbook', connection, parts: [contactId] }),
      kind: 'contact' as const,
    }
  })
}
