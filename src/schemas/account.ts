/** Snappy accounts and what hangs off them: mailboxes and staff. */
import { Type, type Static } from 'typebox'
import { Nullable } from './ref.js'
import { IdOf, IsoDate, exampleId, listOf, origin } from './snappy-common.js'

const ACCOUNT_EXAMPLE = {
  id: exampleId('account', '3249'),
  source: 'snappy',
  connection: 'snappy',
  remoteId: '3249',
  organization: 'Western Cape Labs (Test)',
  domain: 'wcldemo.besnappy.com',
  customDomain: null,
  active: true,
  membership: { username: 'jeremy', owner: false, admin: false },
  createdAt: '2014-09-16T13:49:36.000Z',
  updatedAt: '2014-09-16T14:19:37.000Z',
}

export const AccountSchema = Type.Object(
  {
    id: IdOf('account', 'Opaque account id.'),
    ...origin,
    organization: Type.String(),
    domain: Nullable(Type.String({ description: 'The account’s Snappy host name.' })),
    customDomain: Nullable(Type.String()),
    active: Type.Boolean(),
    membership: Nullable(
      Type.Object(
        { username: Nullable(Type.String()), owner: Type.Boolean(), admin: Type.Boolean() },
        { additionalProperties: false, description: 'The connection’s own staff member in this account.' },
      ),
    ),
    createdAt: IsoDate('When the account was created (UTC).'),
    updatedAt: IsoDate('When the account last changed (UTC).'),
  },
  {
    $id: 'Account',
    title: 'Account',
    description: 'A Snappy account the connection’s API key has access to. Billing fields are not passed on.',
    additionalProperties: false,
    examples: [ACCOUNT_EXAMPLE],
  },
)
export type Account = Static<typeof AccountSchema>

export const AccountListSchema = Type.Object(
  {
    ...listOf<Account>('Account', 'Accounts of every Snappy connection the key may use.'),
    warnings: Type.Optional(
      Type.Array(Type.Unsafe({ $ref: 'Warning#' }), { description: 'Connections that could not be read this time.' }),
    ),
  },
  {
    $id: 'AccountList',
    title: 'AccountList',
    description: 'The Snappy accounts of every connection the key may use, in one page.',
    additionalProperties: false,
    examples: [{ data: [ACCOUNT_EXAMPLE], nextCursor: null }],
  },
)

const MAILBOX_EXAMPLE = {
  id: exampleId('mailbox', '3249', '3642'),
  source: 'snappy',
  connection: 'snappy',
  remoteId: '3642',
  accountId: exampleId('account', '3249'),
  type: 'email',
  address: 'hello@wcldemo.besnappy.com',
  displayName: 'Western Cape Labs (Test)',
  active: true,
  autoResponding: false,
  language: 'en',
  createdAt: '2014-09-16T13:49:36.000Z',
  updatedAt: '2014-09-16T13:49:36.000Z',
}

export const MailboxSchema = Type.Object(
  {
    id: IdOf('mailbox', 'Opaque mailbox id; `mailboxId` of a new Snappy message.'),
    ...origin,
    accountId: IdOf('account', 'The account the mailbox belongs to.'),
    type: Type.String({ description: 'Channel, e.g. `email`.' }),
    address: Type.String(),
    displayName: Nullable(Type.String()),
    active: Type.Boolean(),
    autoResponding: Type.Boolean(),
    language: Nullable(Type.String()),
    createdAt: IsoDate('When the mailbox was created (UTC).'),
    updatedAt: IsoDate('When the mailbox last changed (UTC).'),
  },
  {
    $id: 'Mailbox',
    title: 'Mailbox',
    description: 'A Snappy mailbox. SMTP settings are not passed on.',
    additionalProperties: false,
    examples: [MAILBOX_EXAMPLE],
  },
)
export type Mailbox = Static<typeof MailboxSchema>

export const MailboxListSchema = Type.Object(listOf<Mailbox>('Mailbox', 'The account’s mailboxes.'), {
  $id: 'MailboxList',
  title: 'MailboxList',
  description: 'The mailboxes of a Snappy account, in one page.',
  additionalProperties: false,
  examples: [{ data: [MAILBOX_EXAMPLE], nextCursor: null }],
})

const STAFF_EXAMPLE = {
  id: exampleId('staff', '58'),
  source: 'snappy',
  connection: 'snappy',
  remoteId: '58',
  accountId: exampleId('account', '3249'),
  firstName: 'Mike',
  lastName: 'Jones',
  name: 'Mike Jones',
  email: 'mike@westerncapelabs.com',
  username: 'mike',
  owner: true,
  admin: true,
  timezone: 'Africa/Johannesburg',
  culture: 'en',
  photo: null,
  createdAt: '2012-12-10T14:25:16.000Z',
  updatedAt: '2014-09-25T06:57:45.000Z',
}

export const StaffSchema = Type.Object(
  {
    id: IdOf('staff', 'Opaque staff id; `staffId` of a new Snappy message.'),
    ...origin,
    accountId: IdOf('account', 'The account this membership is in.'),
    firstName: Nullable(Type.String()),
    lastName: Nullable(Type.String()),
    name: Nullable(Type.String()),
    email: Nullable(Type.String()),
    username: Nullable(Type.String({ description: 'Tag `@username` on a conversation to assign it.' })),
    owner: Type.Boolean(),
    admin: Type.Boolean(),
    timezone: Nullable(Type.String()),
    culture: Nullable(Type.String()),
    photo: Nullable(Type.String()),
    createdAt: IsoDate('When the staff member was created (UTC).'),
    updatedAt: IsoDate('When the staff member last changed (UTC).'),
  },
  {
    $id: 'Staff',
    title: 'Staff',
    description:
      'A staff member of a Snappy account. Device tokens, session tokens and phone numbers are never passed on.',
    additionalProperties: false,
    examples: [STAFF_EXAMPLE],
  },
)
export type Staff = Static<typeof StaffSchema>

export const StaffListSchema = Type.Object(listOf<Staff>('Staff', 'The account’s staff.'), {
  $id: 'StaffList',
  title: 'StaffList',
  description: 'The staff members of a Snappy account, in one page.',
  additionalProperties: false,
  examples: [{ data: [STAFF_EXAMPLE], nextCursor: null }],
})
