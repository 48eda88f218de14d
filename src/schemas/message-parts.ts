/** Schemas of the message sub-resources (participants, tags, comments) and of a message update. */
import { Type, type Static } from 'typebox'
import { idPattern } from '../ids.js'
import type { Comment, Participant } from './message.js'
import { wholeListCursor } from './ref.js'

/** Text XML 1.0 can carry: no control characters other than tab, newline and carriage return. */
export const XML_SAFE_TEXT = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]*$'

export const RoleSchema = Type.Union([Type.Literal('from'), Type.Literal('to'), Type.Literal('cc'), Type.Literal('bcc')])

export const MessagePatchSchema = Type.Object(
  {
    kind: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('note'), Type.Literal('phone'), Type.Literal('chat')])),
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
  { $id: 'ParticipantInput', title: 'ParticipantInput', additionalProperties: false, examples: [{ contactId: 'ctc_WyJiYXRjaGJvb2siLCJiYXRjaGJvb2siLCI0Il0', role: 'cc' }] },
)

export const ParticipantListSchema = Type.Object(
  { data: Type.Array(Type.Unsafe<Participant>({ $ref: 'Participant#' })), nextCursor: wholeListCursor() },
  {
    $id: 'ParticipantList',
    title: 'ParticipantList',
    additionalProperties: false,
    examples: [{ data: [{ role: 'from', name: 'Matt Gillooly', address: null, contactId: 'ctc_WyJiYXRjaGJvb2siLCJiYXRjaGJvb2siLCI0Il0', kind: 'contact' }], nextCursor: null }],
  },
)

export const TagListSchema = Type.Object(
  { data: Type.Array(Type.String()), nextCursor: wholeListCursor() },
  { $id: 'TagList', title: 'TagList', additionalProperties: false, examples: [{ data: ['renewal', 'big deal'], nextCursor: null }] },
)

export const CommentInputSchema = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 10_000, pattern: XML_SAFE_TEXT }) },
  { $id: 'CommentInput', title: 'CommentInput', additionalProperties: false, examples: [{ body: 'Called back, all sorted.' }] },
)

export const CommentListSchema = Type.Object(
  { data: Type.Array(Type.Unsafe<Comment>({ $ref: 'Comment#' })), nextCursor: wholeListCursor() },
  {
    $id: 'CommentList',
    title: 'CommentList',
    additionalProperties: false,
    examples: [{ data: [{ id: 'cmt_WyJiYXRjaGJvb2siLCJiYXRjaGJvb2siLCI2NDAxOSIsIjE5OSJd', body: 'Best comment ever', author: 'Eric Krause', createdAt: '2010-10-10T19:06:27.000Z' }], nextCursor: null }],
  },
)
