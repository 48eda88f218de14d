/**
 * Reads the body of `POST /note` (keys as the docs and the PHP SDK send them): `mailbox_id`,
 * `message`, optional `subject`, `id` (a ticket nonce to reply into), `staff_id`, `scope`,
 * `from`/`to`/`cc`/`bcc` as `[{name, address}]`, `tags`, and `attachments`.
 *
 * Attachments are not described anywhere; each is taken as `{filename, type, content}` with
 * `content` base64-encoded (`name`, `content_type` and `data` are accepted as synonyms).
 * A note needs an author: `staff_id` for a staff note, otherwise a `from` address.
 */
import type { Body } from '../body.js'
import { Fields } from '../body.js'
import { CONTACT_ROLES, type ContactRole, type NoteScope } from '../store/records.js'

interface NoteAddress {
  role: ContactRole
  name: string | undefined
  address: string
}

interface NoteAttachment {
  filename: string
  type: string
  bytes: Buffer
}

export interface NotePayload {
  mailboxId: number
  message: string
  subject: string | undefined
  nonce: string | undefined
  staffId: number | undefined
  scope: NoteScope
  addresses: NoteAddress[]
  tags: string[]
  attachments: NoteAttachment[]
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/
const BASE64 = /^[A-Za-z0-9+/=_\-\s]*$/

export function readNotePayload(body: Body): NotePayload {
  const fields = new Fields(body)
  const mailboxId = fields.integer('mailbox_id', { required: true })
  const message = fields.string('message', { required: true, nonEmpty: true })
  const subject = fields.string('subject')
  const nonce = fields.string('id', { nonEmpty: true })
  const staffId = fields.integer('staff_id')
  const scope = fields.oneOf<NoteScope>('scope', ['public', 'private'], 'public')
  const addresses = CONTACT_ROLES.flatMap((role) => readAddresses(fields, role))
  if (staffId === undefined && !fields.has('staff_id') && !addresses.some((a) => a.role === 'from')) {
    fields.fail('from', 'The from field is required when staff id is not present.')
  }
  const tags = fields.stringList('tags') ?? []
  const attachments = readAttachments(fields)
  fields.check()
  return {
    mailboxId: mailboxId as number,
    message: message as string,
    subject,
    nonce: nonce?.trim(),
    staffId,
    scope: scope as NoteScope,
    addresses,
    tags,
    attachments,
  }
}

function readAddresses(fields: Fields, role: ContactRole): NoteAddress[] {
  const list = fields.list(role) ?? []
  const out: NoteAddress[] = []
  list.forEach((item, i) => {
    const entry = typeof item === 'string' ? { address: item } : item
    if (typeof entry !== 'object' || entry === null)
      return fields.fail(`${role}.${i}`, `The ${role}.${i} must be an object.`)
    const { name, address } = entry as { name?: unknown; address?: unknown }
    if (typeof address !== 'string' || !EMAIL.test(address.trim())) {
      return fields.fail(`${role}.${i}.address`, `The ${role}.${i}.address must be a valid email address.`)
    }
    out.push({ role, name: typeof name === 'string' ? name : undefined, address: address.trim() })
  })
  return out
}

function readAttachments(fields: Fields): NoteAttachment[] {
  const list = fields.list('attachments') ?? []
  const out: NoteAttachment[] = []
  list.forEach((item, i) => {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>
    const filename = entry.filename ?? entry.name
    const type = entry.type ?? entry.content_type ?? 'application/octet-stream'
    const content = entry.content ?? entry.data
    if (typeof filename !== 'string' || filename.trim() === '')
      return fields.fail(`attachments.${i}.filename`, `The attachments.${i}.filename field is required.`)
    if (typeof content !== 'string' || !BASE64.test(content))
      return fields.fail(`attachments.${i}.content`, `The attachments.${i}.content must be base64 encoded.`)
    out.push({
      filename: filename.trim(),
      type: typeof type === 'string' ? type : 'application/octet-stream',
      bytes: Buffer.from(content, 'base64'),
    })
  })
  return out
}
