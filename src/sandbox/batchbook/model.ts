/** The records the BatchBook simulator keeps, and the value sets BatchBook accepts for them. */
import { PARTICIPANT_ROLES } from '../../upstreams/batchbook/wire.js'

const CTYPES = ['Email', 'Note', 'Phone', 'Chat'] as const
export type Ctype = (typeof CTYPES)[number]

const ROLES = PARTICIPANT_ROLES
export type ParticipantRole = (typeof ROLES)[number]

export type ContactKind = 'person' | 'company'

export interface Contact {
  id: number
  kind: ContactKind
  name: string
}

/** Tags are shared by all records: one id per name. */
export interface Tag {
  id: number
  name: string
  supertag: boolean
}

export interface Participant {
  contactId: number
  role: ParticipantRole
}

export interface Communication {
  id: number
  subject: string
  body: string
  /** When the communication happened (epoch ms). */
  date: number
  ctype: Ctype
  /** Tag ids in the order they were added. */
  tagIds: number[]
  /** In the order they were added. */
  participants: Participant[]
  createdAt: number
  updatedAt: number
}

export interface MegaComment {
  id: number
  /** The communication the comment is on. */
  recordId: number
  comment: string
  /** Name of the user who wrote it. */
  user: string
  createdAt: number
}

/** `email`, `EMAIL`, ` Email ` → `Email`; null for anything else. */
export function normalizeCtype(text: string): Ctype | null {
  const wanted = text.trim().toLowerCase()
  return CTYPES.find((c) => c.toLowerCase() === wanted) ?? null
}

export function normalizeRole(text: string): ParticipantRole | null {
  const wanted = text.trim().toLowerCase()
  return ROLES.find((r) => r === wanted) ?? null
}
