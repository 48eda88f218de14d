import { Type, type Static } from 'typebox'
import { Nullable } from './ref.js'
import { IdOf, IsoDate, exampleId, origin } from './snappy-common.js'

export const ContactSchema = Type.Object(
  {
    id: IdOf('contact', 'Opaque contact id.'),
    ...origin,
    accountId: IdOf('account', 'The account the contact belongs to.'),
    firstName: Nullable(Type.String()),
    lastName: Nullable(Type.String()),
    name: Nullable(Type.String()),
    address: Type.String({ description: 'E-mail address or other handle.' }),
    provider: Nullable(Type.String({ description: 'The kind of address, e.g. `email`.' })),
    createdAt: IsoDate('When the contact was created (UTC).'),
    updatedAt: IsoDate('When the contact last changed (UTC).'),
  },
  {
    $id: 'Contact',
    title: 'Contact',
    description: 'A customer known to a Snappy account.',
    additionalProperties: false,
    examples: [
      {
        id: exampleId('contact', '3249', '119399'),
        source: 'snappy',
        connection: 'snappy',
        remoteId: '119399',
        accountId: exampleId('account', '3249'),
        firstName: 'John',
        lastName: 'Smith',
        name: 'John Smith',
        address: 'john.smith@gmail.com',
        provider: 'email',
        createdAt: '2014-09-18T10:27:27.000Z',
        updatedAt: '2014-09-18T10:27:27.000Z',
      },
    ],
  },
)
export type Contact = Static<typeof ContactSchema>
