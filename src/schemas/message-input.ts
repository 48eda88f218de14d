/** Bodies of message writes: creation is discriminated by `source`. */
import { Type, type Static } from 'typebox'
import { idPattern } from '../ids.js'
import { MESSAGE_KINDS } from './message.js'
import { ParticipantInputSchema, XML_SAFE_TEXT } from './message-parts.js'
import { StringEnum, ref } from './ref.js'
import { CONNECTION_NAME_SOURCE } from '../rules.js'

const ConnectionName = Type.String({
  pattern: CONNECTION_NAME_SOURCE,
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
    kind: StringEnum(MESSAGE_KINDS),
    subject: Type.Optional(Type.String({ maxLength: 1000, pattern: XML_SAFE_TEXT })),
    body: Type.String({ maxLength: 100_000, pattern: XML_SAFE_TEXT, description: 'Plain text.' }),
    sentAt: Type.Optional(Type.String({ format: 'date-time', description: 'When it was sent; now when left out.' })),
    participants: Type.Optional(Type.Array(ref(ParticipantInputSchema), { maxItems: 50 })),
    tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: XML_SAFE_TEXT }), { maxItems: 50 }),
    ),
  },
  {
    $id: 'BatchBookMessageInput',
    title: 'BatchBookMessageInput',
    description: 'Logs a communication in BatchBook.',
    additionalProperties: false,
    examples: [
      {
        source: 'batchbook',
        kind: 'phone',
        subject: 'Renewal call',
        body: 'Talked through the Q3 plan.',
        sentAt: '2024-05-02T14:30:00Z',
        participants: [{ contactId: 'ctc_WyJiYXRjaGJvb2siLCJiYXRjaGJvb2siLCI0Il0', role: 'to' }],
        tags: ['renewal'],
      },
    ],
  },
)
export type BatchBookMessageInput = Static<typeof BatchBookMessageInputSchema>

export const SnappyMessageInputSchema = Type.Object(
  {
    source: Type.Literal('snappy'),
    connection: Type.Optional(ConnectionName),
    mailboxId: Type.Optional(
      Type.String({
        pattern: idPattern('mailbox'),
        description: 'The mailbox: required for a new conversation; a reply goes to its conversation’s when left out.',
      }),
    ),
    conversationId: Type.Optional(
      Type.String({
        pattern: idPattern('conversation'),
        description: 'Reply into this conversation; a new one is opened when left out.',
      }),
    ),
    staffId: Type.Optional(
      Type.String({
        pattern: idPattern('staff'),
        description:
          'The staff member writing (a note to a customer, or a private one); `from` or `staffId` is required, checked before anything is sent.',
      }),
    ),
    from: Type.Optional(
      Type.Array(Address, {
        maxItems: 1,
        description: 'The customer the note is from; `from` or `staffId` is required.',
      }),
    ),
    to: Type.Optional(Type.Array(Address, { maxItems: 50 })),
    cc: Type.Optional(Type.Array(Address, { maxItems: 50 })),
    bcc: Type.Optional(Type.Array(Address, { maxItems: 50 })),
    subject: Type.Optional(Type.String({ maxLength: 1000 })),
    body: Type.String({
      minLength: 1,
      maxLength: 100_000,
      description:
        'The note, as plain text or HTML: sent as it is, never escaped. Snappy renders a staff member’s note as HTML (plain text comes back wrapped in `<p>`), and keeps a customer’s as text; `body.text` of the message read back is always plain text, `body.html` the HTML when there is any.',
    }),
    visibility: Type.Optional(
      StringEnum(['public', 'private'], {
        description: 'Who sees the note: `public` (the default) or `private` to staff only.',
      }),
    ),
    tags: Type.Optional(Type.Array(Tag, { maxItems: 50 })),
  },
  {
    $id: 'SnappyMessageInput',
    title: 'SnappyMessageInput',
    description: 'Sends a note to a Snappy mailbox: a new conversation, or a reply into `conversationId`.',
    additionalProperties: false,
    examples: [
      {
        source: 'snappy',
        mailboxId: 'mbx_WyJzbmFwcHkiLCJzbmFwcHkiLCIzNjQyIl0',
        from: [{ name: 'John Smith', address: 'john.smith@example.com' }],
        subject: 'Where is my order?',
        body: 'It has not arrived yet.',
      },
    ],
  },
)
export type SnappyMessageInput = Static<typeof SnappyMessageInputSchema>

export type MessageInput = BatchBookMessageInput | SnappyMessageInput

/** The body of `POST /v1/messages`: one of the inputs above, told apart by `source`. */
export const MessageInputSchema = Type.Unsafe<MessageInput>({
  $id: 'MessageInput',
  title: 'MessageInput',
  type: 'object',
  oneOf: [{ $ref: 'BatchBookMessageInput#' }, { $ref: 'SnappyMessageInput#' }],
  discriminator: { propertyName: 'source' },
  description: 'A BatchBook communication or a Snappy note, told apart by `source`.',
  examples: [
    {
      source: 'batchbook',
      kind: 'phone',
      subject: 'Renewal call',
      body: 'Talked through the Q3 plan.',
      tags: ['renewal'],
    },
    {
      source: 'snappy',
      mailboxId: 'mbx_WyJzbmFwcHkiLCJzbmFwcHkiLCIzMjQ5IiwiMzY0MiJd',
      from: [{ name: 'John Smith', address: 'john.smith@example.com' }],
      subject: 'Where is my order?',
      body: 'It has not arrived yet.',
    },
  ],
})
