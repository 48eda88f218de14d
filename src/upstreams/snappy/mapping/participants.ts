/** Contacts and staff as message or conversation Participants. */
import type { Participant } from '../../../schemas/message.js'
import { type JsonObject, asObject, fullName, idOf, isObject, optionalString } from '../codec.js'
import { contactId } from './directory.js'

const ROLES = new Set<Participant['role']>(['from', 'to', 'cc', 'bcc'])

/**
 * A note's or ticket's `contacts` entry: the role is `type` (recorded traffic also repeats it
 * in `pivot.type`). An entry with a role this API does not know is left out rather than
 * guessed at.
 */
export function contactParticipant(value: unknown, connection: string, fallbackAccount: string): Participant | null {
  const c = asObject(value, 'contact')
  const pivot = isObject(c.pivot) ? c.pivot : {}
  const role = optionalString(c.type ?? pivot.type, 'contact type')
  if (role === null || !ROLES.has(role as Participant['role'])) return null
  return { ...person(c, connection, fallbackAccount, 'contact'), role: role as Participant['role'] }
}

/** The author of a note: staff when `created_by_staff_id` is set, otherwise a contact. */
export function creatorParticipant(note: JsonObject, connection: string, account: string): Participant | null {
  const byStaff = note.created_by_staff_id !== undefined && note.created_by_staff_id !== null
  const creator = note.creator ?? (byStaff ? note.staff_creator : note.contact_creator)
  if (!isObject(creator)) return null
  return { ...person(creator, connection, account, byStaff ? 'staff' : 'contact'), role: 'from' }
}

function person(
  p: JsonObject,
  connection: string,
  fallbackAccount: string,
  kind: Participant['kind'],
): Omit<Participant, 'role'> {
  const address = optionalString(p.address ?? p.value ?? p.email, 'address')
  if (kind === 'staff') return { name: fullName(p.first_name, p.last_name), address, contactId: null, kind }
  const account = idOf(p.account_id ?? fallbackAccount, 'contact account_id')
  return {
    name: fullName(p.first_name, p.last_name),
    address,
    contactId: contactId(connection, account, idOf(p.id, 'contact id')),
    kind,
  }
}
