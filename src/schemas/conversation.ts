/** A Snappy ticket as a Conversation, and the bodies of conversation writes. */
import { Type, type Static } from 'typebox'
import type { Participant } from './message.js'
import { Nullable, StringEnum } from './ref.js'
import type { RemoteRecord } from './remote.js'
import { IdOf, IsoDate, NullableIsoDate, exampleId, listOf, origin } from './snappy-common.js'

const CONVERSATION_EXAMPLE = {
  id: exampleId('conversation', '268308'),
  source: 'snappy',
  connection: 'snappy',
  remoteId: '268308',
  nonce: 'u6cisayjz8ewpsgu',
  accountId: exampleId('account', '3249'),
  mailboxId: exampleId('mailbox', '3249', '3642'),
  status: 'waiting',
  subject: 'Test subject',
  summary: 'What are the experiment protocols for subject 42?',
  tags: ['@mike', 'lab'],
  unread: true,
  contacts: [
    {
      role: 'from',
      name: 'John Smith',
      address: 'john.smith@gmail.com',
      contactId: exampleId('contact', '3249', '119399'),
      kind: 'contact',
    },
  ],
  openedAt: '2014-09-22T12:46:43.000Z',
  lastReplyAt: '2014-09-22T12:46:43.000Z',
  lastReplyBy: 'customer',
  createdAt: '2014-09-22T12:46:43.000Z',
  updatedAt: '2014-09-22T12:46:43.000Z',
}

export const ConversationSchema = Type.Object(
  {
    id: IdOf('conversation', 'Opaque conversation id.'),
    ...origin,
    nonce: Nullable(
      Type.String({
        description:
          'The ticket nonce (16 lower-case letters and digits), also accepted wherever a conversation id is; null when Snappy did not send one.',
      }),
    ),
    accountId: IdOf('account', 'The account (`acct_…`) the ticket belongs to.'),
    mailboxId: IdOf('mailbox', 'The mailbox (`mbx_…`) the ticket arrived in.'),
    status: Type.String({ description: 'Snappy status: `waiting`, `replied`, `followup` or `closed`.' }),
    subject: Nullable(Type.String({ description: 'The ticket subject (`default_subject`).' })),
    summary: Nullable(Type.String({ description: 'The start of the latest public message.' })),
    tags: Type.Array(Type.String(), { description: 'Tags; `@username` tags assign the ticket to that staff member.' }),
    unread: Type.Boolean(),
    contacts: Type.Array(Type.Unsafe<Participant>({ $ref: 'Participant#' }), {
      description: 'The customers on the ticket, with their role.',
    }),
    openedAt: NullableIsoDate('When the ticket was opened (UTC).'),
    lastReplyAt: NullableIsoDate('When the latest reply was written (UTC).'),
    lastReplyBy: Nullable(Type.String({ description: '`customer` or `staff`.' })),
    createdAt: IsoDate('When the ticket was created (UTC).'),
    updatedAt: IsoDate('When the ticket last changed (UTC).'),
    remote: Type.Optional(Type.Unsafe<RemoteRecord>({ $ref: 'RemoteRecord#' })),
  },
  {
    $id: 'Conversation',
    title: 'Conversation',
    description: 'A Snappy ticket: the thread its notes (messages) belong to.',
    additionalProperties: false,
    examples: [CONVERSATION_EXAMPLE],
  },
)
export type Conversation = Static<typeof ConversationSchema>

export const ConversationListSchema = Type.Object(
  listOf<Conversation>('Conversation', 'Conversations, in the order the operation describes.'),
  {
    $id: 'ConversationList',
    title: 'ConversationList',
    description: 'A page of conversations, in the order the query asks for.',
    additionalProperties: false,
    examples: [{ data: [CONVERSATION_EXAMPLE], nextCursor: null }],
  },
)

export const ConversationTagsInputSchema = Type.Object(
  {
    tags: Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001F]*$' }), {
      maxItems: 50,
      uniqueItems: true,
      description: 'The complete new list of tags; it replaces the current one.',
    }),
  },
  {
    $id: 'ConversationTagsInput',
    title: 'ConversationTagsInput',
    description: 'The new tags of a conversation.',
    additionalProperties: false,
    examples: [{ tags: ['#billing', '@mike'] }],
  },
)
export type ConversationTagsInput = Static<typeof ConversationTagsInputSchema>

const TICKET_STATUSES = ['waiting', 'replied', 'followup', 'closed'] as const

export const ConversationStatusInputSchema = Type.Object(
  {
    status: StringEnum(TICKET_STATUSES, {
      description: '`waiting` (the customer awaits an answer), `replied`, `followup` (parked) or `closed`.',
    }),
  },
  {
    $id: 'ConversationStatusInput',
    title: 'ConversationStatusInput',
    description: 'The new status of a conversation.',
    additionalProperties: false,
    examples: [{ status: 'replied' }],
  },
)
export type ConversationStatusInput = Static<typeof ConversationStatusInputSchema>
