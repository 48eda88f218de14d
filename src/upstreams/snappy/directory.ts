/** Accounts, mailboxes, staff and contacts. None of them change through this API. */
import { invalidField, upstreamNotFound } from '../../errors.js'
import type { Account, Mailbox, Staff } from '../../schemas/account.js'
import type { Contact } from '../../schemas/contact.js'
import { toAccount, toContact, toMailbox, toStaff } from './mapping/directory.js'
import { SnappyResource, num } from './resource.js'
import { SNAPPY_PATHS } from './wire.js'
import { NUMERIC_ID } from '../../rules.js'

const EMAIL = /^[^\s@/\\?#]{1,200}@[^\s@/\\?#]{1,200}$/

/** `fresh`: read the upstream now, not the cache (the sync's directory refresh). */
export class SnappyDirectory extends SnappyResource {
  accounts(fresh = false): Promise<Account[]> {
    return this.readList(
      SNAPPY_PATHS.accounts.path(),
      ['accounts'],
      'accounts',
      (a) => toAccount(a, this.connection),
      undefined,
      fresh,
    )
  }

  mailboxes(account: string, fresh = false): Promise<Mailbox[]> {
    return this.readList(
      SNAPPY_PATHS.mailboxes.path({ id: num(account) }),
      [`mailboxes:${account}`],
      'mailboxes',
      (m) => toMailbox(m, this.connection, account),
      undefined,
      fresh,
    )
  }

  staff(account: string, fresh = false): Promise<Staff[]> {
    return this.readList(
      SNAPPY_PATHS.staff.path({ id: num(account) }),
      [`staff:${account}`],
      'staff',
      (s) => toStaff(s, this.connection, account),
      undefined,
      fresh,
    )
  }

  /** A contact by its numeric id or its address. The docs answer a one-element list. */
  async contact(account: string, idOrAddress: string): Promise<Contact> {
    if (!NUMERIC_ID.test(idOrAddress) && !EMAIL.test(idOrAddress)) {
      throw invalidField(
        'params/idOrEmail',
        'must be a contact id or an e-mail address',
        'A contact is looked up by its id or its e-mail address',
      )
    }
    const found = await this.read(
      SNAPPY_PATHS.contact.path({ id: num(account), contact: encodeURIComponent(idOrAddress) }),
      {
        kind: 'record',
        tags: [`contacts:${account}`],
        map: (json) => (Array.isArray(json) ? json : [json]).map((c) => toContact(c, this.connection, account)),
      },
    )
    const contact = found[0]
    if (contact === undefined) throw upstreamNotFound(this.connection, 'snappy', 200, 'contact')
    return contact
  }
}
