/** Schemas of the message sub-resources (participants, tags, comments) and of a message update. */
import { Type, type Static } from 'typebox'
import { idPattern } from '../ids.js'
import { MESSAGE_KINDS, type Comment, type Participant } from './message.js'
import { StringEnum, wholeListCursor } from './ref.js'

/** Text XML 1.0 can carry: no control characters other than tab, newline and carriage return. */
export const XML_SAFE_TEXT = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]*$'

export const RoleSchema = StringEnum(['from', 'to', 'cc', 'bcc'])

export const MessagePatchSchema = Type.Object(
  {
    kind: Type.Optional(StringEnum(MESSAGE_KINDS)),
    subject: Type.Optional(Type.String({ maxLength: 1000, pattern: XML_SAFE_TEXT })),
    body: Type.Optional(Type.String({ maxLength: 100_000, pattern: XML_SAFE_TEXT, description: 'Plain text.' })),
    sentAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  {
    $id: 'MessagePatch',
    title: 'MessagePatch',
    description: 'The fields to change; at least one.',
    additionalProperties: false,
    minProperties: 1,
    examples: [{ subject: 'Renewal call (rescheduled)' }],
  },
)
export type MessagePatchBody = Static<typeof MessagePatchSchema>

export const ParticipantInputSchema = Type.Object(
  { contactId: Type.String({ pattern: idPattern('contact') }), role: RoleSchema },
  {
    $id: 'ParticipantInput',
    title: 'ParticipantInput',
    description: 'A contact of the message’s connection, in a role.',
    additionalProperties: false,
    examples: [{ contactId: 'ctc_WyJiYXRjaGJvb2siLCJiYXRjaGJvb2siLCI0Il0', role: 'cc' }],
  },
)

export const ParticipantListSchema = Type.Object(
  { data: Type.Array(Type.Unsafe<Participant>({ $ref: 'Participant#' })), nextCursor: wholeListCursor() },
  {
    $id: 'ParticipantList',
    title: 'ParticipantList',
    description: 'The participants of a message, in one page.',
    additionalProperties: false,
    examples: [
      {
        data: [
          {
            role: 'from',
            name: 'Matt Gillooly',
            address: null,
            contactId: 'ctc_WyJiYXRjaGJvb2siLCJiYXRjaGJvb2siLCI0Il0',
            kind: 'contact',
          },
        ],
        nextCursor: null,
      },
    ],
  },
)

export const TagListSchema = Type.Object(
  { data: Type.Array(Type.String()), nextCursor: wholeListCursor() },
  {
    $id: 'TagList',
    title: 'TagList',
    description: 'The tags of a message, in one page.',
    additionalProperties: false,
    examples: [{ data: ['renewal', 'big deal'], nextCursor: null }],
  },
)

export const CommentInputSchema = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 10_000, pattern: XML_SAFE_TEXT }) },
  {
    $id: 'CommentInput',
    title: 'CommentInput',
    description: 'The text of a comment.',
    additionalProperties: false,
    examples: [{ body: 'Called back, all sorted.' }],
  },
)

export const CommentListSchema = Type.Object(
  { data: Type.Array(Type.Unsafe<Comment>({ $ref: 'Comment#' })), nextCursor: wholeListCursor() },
  {
    $id: 'CommentList',
    title: 'CommentList',
    description: 'The comments on a message, oldest first, in one page.',
    additionalProperties: false,
    examples: [
      {
        data: [
          {
            id: 'cmt_WyJiYXRjaGJvb2siLCJiYXRjaGJvb2siLCI2NDAxOSIsIjE5OSJd',
            body: 'Best comment ever',
            author: 'Eric Krause',
            createdAt: '2010-10-10T19:06:27.000Z',
          },
        ],
        nextCursor: null,
      },
    ],
  },
)
