/**
 * Accounts, mailboxes, staff and contacts → normalized records, field by field. Nothing is
 * spread from the upstream object: staff carry `remember_token`, `apple_device_token`,
 * `verification_token`, `sms_number` and `mobile_*` settings, accounts carry billing fields,
 * mailboxes carry SMTP settings, and none of it may leave.
 */
import { encodeId } from '../../../ids.js'
import type { Account, Mailbox, Staff } from '../../../schemas/account.js'
import type { Contact } from '../../../schemas/contact.js'
import {
  asObject,
  fullName,
  idOf,
  isObject,
  optionalFlag,
  optionalString,
  optionalTime,
  requiredTime,
  stringOr,
} from '../codec.js'

/** The decoded form of a Snappy id of `connection`; every Snappy mapper encodes its ids from it. */
export const snappyId = (connection: string, parts: readonly string[]) => ({
  source: 'snappy' as const,
  connection,
  parts,
})

export function accountId(connection: string, account: string): string {
  return encodeId('account', snappyId(connection, [account]))
}

export function contactId(connection: string, account: string, contact: string): string {
  return encodeId('contact', snappyId(connection, [account, contact]))
}

export function staffId(connection: string, staff: string): string {
  return encodeId('staff', snappyId(connection, [staff]))
}

export function mailboxId(connection: string, account: string, mailbox: string): string {
  return encodeId('mailbox', snappyId(connection, [account, mailbox]))
}

export function toAccount(value: unknown, connection: string): Account {
  const a = asObject(value, 'account')
  const remoteId = idOf(a.id, 'account id')
  const createdAt = requiredTime(a.created_at, 'account created_at')
  return {
    id: accountId(connection, remoteId),
    source: 'snappy',
    connection,
    remoteId,
    organization: stringOr(a.organization, 'organization', ''),
    domain: optionalString(a.domain, 'domain'),
    customDomain: emptyAsNull(optionalString(a.custom_domain, 'custom_domain')),
    active: optionalFlag(a.active, 'active') ?? true,
    membership: membership(a.pivot),
    createdAt,
    updatedAt: timeOr(a.updated_at, 'account updated_at', createdAt),
  }
}

/** The join row of the key's own staff member (`pivot`): who "we" are in this account. */
function membership(value: unknown): Account['membership'] {
  if (!isObject(value)) return null
  return {
    username: optionalString(value.username, 'pivot username'),
    owner: optionalFlag(value.owner, 'pivot owner') ?? false,
    admin: optionalFlag(value.admin, 'pivot admin') ?? false,
  }
}

export function toMailbox(value: unknown, connection: string, account: string): Mailbox {
  const m = asObject(value, 'mailbox')
  const remoteId = idOf(m.id, 'mailbox id')
  const owner = idOf(m.account_id ?? account, 'mailbox account_id')
  const createdAt = requiredTime(m.created_at, 'mailbox created_at')
  return {
    id: mailboxId(connection, owner, remoteId),
    source: 'snappy',
    connection,
    remoteId,
    accountId: accountId(connection, owner),
    type: stringOr(m.type, 'mailbox type', 'email'),
    address: stringOr(m.address, 'mailbox address', ''),
    displayName: optionalString(m.display, 'mailbox display'),
    active: optionalFlag(m.active, 'mailbox active') ?? true,
    autoResponding: optionalFlag(m.auto_responding, 'auto_responding') ?? false,
    language: optionalString(m.language, 'mailbox language'),
    createdAt,
    updatedAt: timeOr(m.updated_at, 'mailbox updated_at', createdAt),
  }
}

/** A staff member as listed for `account` (the membership comes from `pivot` when sent). */
export function toStaff(value: unknown, connection: string, account: string): Staff {
  const s = asObject(value, 'staff')
  const remoteId = idOf(s.id, 'staff id')
  const pivot = isObject(s.pivot) ? s.pivot : {}
  const createdAt = requiredTime(s.created_at, 'staff created_at')
  return {
    id: staffId(connection, remoteId),
    source: 'snappy',
    connection,
    remoteId,
    accountId: accountId(connection, account),
    firstName: optionalString(s.first_name, 'first_name'),
    lastName: optionalString(s.last_name, 'last_name'),
    name: fullName(s.first_name, s.last_name),
    email: optionalString(s.email ?? s.address, 'staff email'),
    username: optionalString(s.username ?? pivot.username, 'username'),
    owner: optionalFlag(pivot.owner, 'pivot owner') ?? false,
    admin: optionalFlag(pivot.admin, 'pivot admin') ?? false,
    timezone: optionalString(s.timezone, 'timezone'),
    culture: optionalString(s.culture, 'culture'),
    photo: optionalString(s.photo, 'photo'),
    createdAt,
    updatedAt: timeOr(s.updated_at, 'staff updated_at', createdAt),
  }
}

export function toContact(value: unknown, connection: string, account: string): Contact {
  const c = asObject(value, 'contact')
  const remoteId = idOf(c.id, 'contact id')
  const owner = idOf(c.account_id ?? account, 'contact account_id')
  const createdAt = requiredTime(c.created_at, 'contact created_at')
  return {
    id: contactId(connection, owner, remoteId),
    source: 'snappy',
    connection,
    remoteId,
    accountId: accountId(connection, owner),
    firstName: optionalString(c.first_name, 'first_name'),
    lastName: optionalString(c.last_name, 'last_name'),
    name: fullName(c.first_name, c.last_name),
    address: stringOr(c.value ?? c.address, 'contact value', ''),
    provider: optionalString(c.provider, 'provider'),
    createdAt,
    updatedAt: timeOr(c.updated_at, 'contact updated_at', createdAt),
  }
}

/** A time that may be missing (or Laravel's all-zero "never"), with a fallback. */
export function timeOr(value: unknown, what: string, fallback: string): string {
  return optionalTime(value, what) ?? fallback
}

function emptyAsNull(value: string | null): string | null {
  return value === null || value.trim() === '' ? null : value
}
