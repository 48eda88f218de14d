/**
 * The sanitized upstream record for `?include=remote`. It keeps Snappy's own field names but
 * is built by allow-list like everything else: only the listed fields, only scalar values
 * (or the nested records listed here, sanitized the same way). Tokens, phone numbers, mobile
 * settings, SMTP settings, storage keys and raw mail headers never make the list.
 */
import type { RemoteRecord } from '../../../schemas/remote.js'
import { type JsonObject, isObject } from '../codec.js'

type Scalar = string | number | boolean | null

const CONTACT = [
  'id',
  'account_id',
  'first_name',
  'last_name',
  'value',
  'provider',
  'created_at',
  'updated_at',
  'address',
  'type',
]
const PIVOT = ['note_id', 'ticket_id', 'contact_id', 'type']
const STAFF = [
  'id',
  'email',
  'first_name',
  'last_name',
  'photo',
  'culture',
  'timezone',
  'created_at',
  'updated_at',
  'address',
  'username',
]
const MAILBOX = [
  'id',
  'account_id',
  'type',
  'address',
  'display',
  'active',
  'created_at',
  'updated_at',
  'custom_address',
  'theme',
  'language',
  'local_part',
]
const ATTACHMENT = ['id', 'account_id', 'ticket_id', 'note_id', 'filename', 'type', 'size', 'created_at', 'updated_at']
const TICKET = [
  'id',
  'nonce',
  'account_id',
  'mailbox_id',
  'created_via',
  'last_reply_by',
  'last_reply_at',
  'opened_by_staff_id',
  'opened_by_contact_id',
  'opened_at',
  'status',
  'first_staff_reply_at',
  'default_subject',
  'summary',
  'created_at',
  'updated_at',
  'unread',
]
const NOTE = [
  'id',
  'account_id',
  'ticket_id',
  'facebook_message',
  'created_by_staff_id',
  'created_by_contact_id',
  'scope',
  'created_at',
  'updated_at',
  'content',
  'system',
  'using_html',
]

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
}

/** The listed scalar fields of `record`, in the listed order; anything else is dropped. */
function pick(record: JsonObject, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of keys) {
    const value = record[key]
    if (isScalar(value)) out[key] = value
  }
  return out
}

function each(value: unknown, clean: (record: JsonObject) => Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isObject).map(clean) : []
}

function nested(
  value: unknown,
  clean: (record: JsonObject) => Record<string, unknown>,
): Record<string, unknown> | null {
  return isObject(value) ? clean(value) : null
}

function contact(record: JsonObject): Record<string, unknown> {
  const out = pick(record, CONTACT)
  if (isObject(record.pivot)) out.pivot = pick(record.pivot, PIVOT)
  return out
}

const staff = (record: JsonObject) => pick(record, STAFF)
const mailbox = (record: JsonObject) => pick(record, MAILBOX)
const attachment = (record: JsonObject) => pick(record, ATTACHMENT)

export function remoteTicket(record: JsonObject): RemoteRecord {
  const data = pick(record, TICKET)
  data.tags = Array.isArray(record.tags) ? record.tags.filter((t) => typeof t === 'string') : []
  data.contacts = each(record.contacts, contact)
  data.mailbox = nested(record.mailbox, mailbox)
  const openedByStaff = record.opened_by_staff_id !== undefined && record.opened_by_staff_id !== null
  data.opener = nested(record.opener, openedByStaff ? staff : contact)
  return { format: 'json', data }
}

export function remoteNote(record: JsonObject): RemoteRecord {
  const data = pick(record, NOTE)
  const byStaff = record.created_by_staff_id !== undefined && record.created_by_staff_id !== null
  data.contacts = each(record.contacts, contact)
  data.staff_creator = nested(record.staff_creator, staff)
  data.contact_creator = nested(record.contact_creator, contact)
  data.attachments = each(record.attachments, attachment)
  data.creator = nested(record.creator, byStaff ? staff : contact)
  return { format: 'json', data }
}
