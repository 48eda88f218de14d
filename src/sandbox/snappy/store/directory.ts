/** Accounts, staff (and their account memberships), mailboxes, contacts and API keys. */
import type { Unix } from '../../../upstreams/snappy/wire.js'
import type { AccountRecord, ContactRecord, MailboxRecord, MembershipRecord, StaffRecord } from './records.js'
import { Table } from './table.js'

export type AccountInput = Partial<AccountRecord> & Pick<AccountRecord, 'organization' | 'domain'>
export type StaffInput = Partial<StaffRecord> & Pick<StaffRecord, 'email' | 'firstName' | 'lastName'>
export type MembershipInput = Partial<MembershipRecord> & Pick<MembershipRecord, 'accountId' | 'staffId' | 'username'>
export type MailboxInput = Partial<MailboxRecord> & Pick<MailboxRecord, 'accountId' | 'address' | 'display'>
export type ContactInput = Partial<ContactRecord> & Pick<ContactRecord, 'accountId' | 'value'>

export interface Member {
  staff: StaffRecord
  membership: MembershipRecord
}

export class Directory {
  readonly accounts = new Table<AccountRecord>(3300)
  readonly staff = new Table<StaffRecord>(3700)
  readonly mailboxes = new Table<MailboxRecord>(3700)
  readonly contacts = new Table<ContactRecord>(119400)
  readonly #memberships: MembershipRecord[] = []
  readonly #keys = new Map<string, number>()
  readonly #now: () => Unix

  constructor(now: () => Unix) {
    this.#now = now
  }

  createAccount(input: AccountInput): AccountRecord {
    const at = input.createdAt ?? this.#now()
    return this.accounts.insert({
      planId: 3,
      active: 1,
      updatedAt: at,
      customDomain: null,
      trialEndsAt: null,
      cancelMessage: null,
      forwardShown: 1,
      badgeUrl: '',
      lastPaidAt: null,
      invoiced: null,
      cancelledAt: null,
      isPaid: true,
      isTrial: false,
      ...input,
      id: this.accounts.takeId(input.id),
      createdAt: at,
    })
  }

  createStaff(input: StaffInput): StaffRecord {
    const at = input.createdAt ?? this.#now()
    return this.staff.insert({
      smsNumber: null,
      photo: null,
      culture: 'en',
      notify: 1,
      updatedAt: at,
      signature: null,
      tourPlayed: 1,
      timezone: 'UTC',
      notifyNew: 1,
      newsReadAt: null,
      appleDeviceToken: null,
      rememberToken: null,
      mobileNotify: 1,
      mobileNotifyNew: 1,
      mobileViewingAccount: null,
      verificationToken: null,
      verified: null,
      ...input,
      id: this.staff.takeId(input.id),
      createdAt: at,
    })
  }

  /** Adds a staff member to an account; listing order follows the order of these calls. */
  addMember(input: MembershipInput): MembershipRecord {
    if (this.accounts.get(input.accountId) === undefined) throw new Error(`no account ${input.accountId}`)
    if (this.staff.get(input.staffId) === undefined) throw new Error(`no staff ${input.staffId}`)
    if (this.membership(input.accountId, input.staffId) !== undefined) throw new Error('already a member')
    const row: MembershipRecord = {
      owner: 0,
      admin: 0,
      lastWallVisit: null,
      defaultLens: null,
      notify: 1,
      notifyNew: 1,
      mobileNotify: 1,
      mobileNotifyNew: 1,
      ...input,
    }
    this.#memberships.push(row)
    return row
  }

  membership(accountId: number, staffId: number): MembershipRecord | undefined {
    return this.#memberships.find((m) => m.accountId === accountId && m.staffId === staffId)
  }

  membersOf(accountId: number): Member[] {
    const out: Member[] = []
    for (const membership of this.#memberships) {
      if (membership.accountId !== accountId) continue
      const staff = this.staff.get(membership.staffId)
      if (staff !== undefined) out.push({ staff, membership })
    }
    return out
  }

  /** The accounts a staff member belongs to, each with that member's join row. */
  accountsOf(staffId: number): { account: AccountRecord; membership: MembershipRecord }[] {
    const out: { account: AccountRecord; membership: MembershipRecord }[] = []
    for (const membership of this.#memberships) {
      if (membership.staffId !== staffId) continue
      const account = this.accounts.get(membership.accountId)
      if (account !== undefined) out.push({ account, membership })
    }
    return out
  }

  createMailbox(input: MailboxInput): MailboxRecord {
    if (this.accounts.get(input.accountId) === undefined) throw new Error(`no account ${input.accountId}`)
    const at = input.createdAt ?? this.#now()
    return this.mailboxes.insert({
      type: 'email',
      autoResponding: null,
      autoResponse: null,
      active: 1,
      updatedAt: at,
      customAddress: null,
      theme: 'snappy',
      signature: null,
      language: 'en',
      smtpEnabled: 0,
      smtp: null,
      ...input,
      id: this.mailboxes.takeId(input.id),
      createdAt: at,
    })
  }

  mailboxesOf(accountId: number): MailboxRecord[] {
    return this.mailboxes.filter((m) => m.accountId === accountId)
  }

  createContact(input: ContactInput): ContactRecord {
    if (this.accounts.get(input.accountId) === undefined) throw new Error(`no account ${input.accountId}`)
    const at = input.createdAt ?? this.#now()
    return this.contacts.insert({
      firstName: '',
      lastName: '',
      provider: 'email',
      updatedAt: at,
      ...input,
      id: this.contacts.takeId(input.id),
      createdAt: at,
    })
  }

  contactsOf(accountId: number): ContactRecord[] {
    return this.contacts.filter((c) => c.accountId === accountId)
  }

  /** E-mail addresses compare case-insensitively, as mail systems treat them. */
  findContactByAddress(accountId: number, address: string): ContactRecord | undefined {
    const wanted = address.trim().toLowerCase()
    return this.contacts.find((c) => c.accountId === accountId && c.value.toLowerCase() === wanted)
  }

  /**
   * The contact for `address`, created from `name` when unknown. Like the live service, a
   * display name is split at its first space into first and last name.
   */
  findOrCreateContact(accountId: number, address: string, name: string | undefined): ContactRecord {
    const existing = this.findContactByAddress(accountId, address)
    if (existing !== undefined) return existing
    const trimmed = (name ?? '').trim()
    const space = trimmed.indexOf(' ')
    return this.createContact({
      accountId,
      value: address.trim(),
      firstName: space === -1 ? trimmed : trimmed.slice(0, space),
      lastName: space === -1 ? '' : trimmed.slice(space + 1).trim(),
    })
  }

  /** Makes `key` act as `staffId`; unmapped keys act as the first staff of the first account. */
  assignKey(key: string, staffId: number): void {
    if (this.staff.get(staffId) === undefined) throw new Error(`no staff ${staffId}`)
    this.#keys.set(key, staffId)
  }

  staffForKey(key: string): StaffRecord | undefined {
    const mapped = this.#keys.get(key)
    if (mapped !== undefined) return this.staff.get(mapped)
    const firstAccount = this.accounts.all()[0]
    if (firstAccount === undefined) return undefined
    return this.membersOf(firstAccount.id)[0]?.staff
  }
}
