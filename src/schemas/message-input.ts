/** Bodies of message writes: creation is discriminated by `source`. */
import { Type, type Static } from 'typebox'
import { idPattern } from '../ids.js'

const ConnectionName = Type.String({
  pattern: '^[a-z][a-z0-9_-]{0,31}$',
  description: 'The connection to write to; may be left out when the key can use only one connection of this source.',
})
const Tag = Type.String({ minLength: 1, maxLength: 100 })
const Address = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 200 })), address: Type.String({ format: 'email', maxLength: 320 }) },
  { additionalProperties: false },
)

export const BatchBookMessageInputSchema = Type.Object(
  {
    source: Type.Literal('batchbook'),
    connection: Type.Optional(ConnectionName),
    kind: Type.Union([Type.Literal('email'), Type.Literal('note'), Type.Literal('phone'), Type.Literal('chat')]),
    subject: Type.Optional(Type.String({ maxLength: 1000 })),
    body: Type.String({ maxLength: 100_000, description: 'Plain text.' }),
    sentAt: Type.Optional(Type.String({ format: 'date-time', description: 'When it was sent; now when left out.' })),
    participants: Type.Optional(
      Type.Array(
        Type.Object(
          {
            contactId: Type.String({ pattern: idPattern('contact') }),
            role: Type.Union([Type.Literal('from'), Type.Literal('to'), Type.Literal('cc'), Type.Literal('bcc')]),
          },
          { additionalProperties: false },
        ),
        { maxItems: 50 },
      ),
    ),
    tags: Type.Optional(Type.Array(Tag, { maxItems: 50 })),
  },
  { $id: 'BatchBookMessageInput', title: 'BatchBookMessageInput', additionalProperties: false },
)
export type BatchBookMessageInput = Static<typeof BatchBookMessageInputSchema>

export const SnappyMessageInputSchema = Type.Object(
  {
    source: Type.Literal('snappy'),
    connection: Type.Optional(ConnectionName),
    mailboxId: Type.String({ pattern: idPattern('mailbox') }),
    conversationId: Type.Optional(Type.String({ pattern: idPattern('conversation'), description: 'Reply into this conversation; a new one is opened when left out.' })),
    staffId: Type.Optional(Type.String({ pattern: idPattern('staff'), description: 'The staff member writing; required unless `from` names a customer.' })),
    from: Type.Optional(Type.Array(Address, { maxItems: 1 })),
    to: Type.Optional(Type.Array(Address, { maxItems: 50 })),
    cc: Type.Optional(Type.Array(Address, { maxItems: 50 })),
    bcc: Type.Optional(Type.Array(Address, { maxItems: 50 })),
    subject: Type.Optional(Type.String({ maxLength: 1000 })),
    body: Type.String({ minLength: 1, maxLength: 100_000 }),
    visibility: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('private')], { default: 'public' })),
    tags: Type.Optional(Type.Array(Tag, { maxItems: 50 })),
  },
  { $id: 'SnappyMessageInput', title: 'SnappyMessageInput', additionalProperties: false },
)
export type SnappyMessageInput = Static<typeof SnappyMessageInputSchema>
