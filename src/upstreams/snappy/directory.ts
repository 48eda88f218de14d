/** Accounts, mailboxes, staff and contacts. None of them change through this API. */
import { ProblemError } from '../../errors.js'
import type { Account, Mailbox, Staff } from '../../schemas/account.js'
import type { Contact } from '../../schemas/contact.js'
import { asArray } from './codec.js'
import { toAccount, toContact, toMailbox, toStaff } from './mapping/directory.js'
import { SnappyResource, num } from './resource.js'

const EMAIL = /^[^\s@/\\?#]{1,200}@[^\s@/\\?#]{1,200}$/

export class SnappyDirectory extends SnappyResource {
  accounts(): Promise<Account[]> {
    return this.read('/accounts', {
      kind: 'list',
      tags: ['accounts'],
      map: (json) => asArray(json, 'accounts').map((a) => toAccount(a, this.connection)),
    })
  }

  mailboxes(account: string): Promise<Mailbox[]> {
    return this.read(`/account/${num(account)}/mailboxes`, {
      kind: 'list',
      tags: [`mailboxes:${account}`],
      map: (json) => asArray(json, 'mailboxes').map((m) => toMailbox(m, this.connection, account)),
    })
  }

  staff(account: string): Promise<Staff[]> {
    return this.read(`/account/${num(account)}/staff`, {
      kind: 'list',
      tags: [`staff:${account}`],
      map: (json) => asArray(json, 'staff').map((s) => toStaff(s, this.connection, account)),
    })
  }

  /** A contact by its numeric id or its address. The docs answer a one-element list. */
  async contact(account: string, idOrAddress: string): Promise<Contact> {
    if (!/^\d{1,18}$/.test(idOrAddress) && !EMAIL.test(idOrAddress)) {
      throw new ProblemError('validation_failed', 'A contact is looked up by its id or its e-mail address', {
        errors: [{ path: 'params/idOrEmail', message: 'must be a contact id or an e-mail address' }],
      })
    }
    const found = await this.read(`/account/${num(account)}/contacts/${encodeURIComponent(idOrAddress)}`, {
      kind: 'record',
      tags: [`contacts:${account}`],
      map: (json) => (Array.isArray(json) ? json : [json]).map((c) => toContact(c, this.connection, account)),
    })
    const contact = found[0]
    if (contact === undefined) throw new ProblemError('not_found', `${this.connection} has no such contact`, { upstream: { source: 'snappy', status: 200 } })
    return contact
  }
}
