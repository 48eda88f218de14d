import { Type, type Static } from 'typebox'
import { idPattern } from '../ids.js'
import { Nullable, StringEnum } from './ref.js'

export interface Warning {
  source: string
  connection: string
  code: string
  detail: string
  step?: string
}

const IsoDate = (description: string) => Type.String({ format: 'date-time', description })

export const ParticipantSchema = Type.Object(
  {
    role: StringEnum(['from', 'to', 'cc', 'bcc']),
    name: Nullable(Type.String()),
    address: Nullable(Type.String({ description: 'E-mail address or other handle, when known.' })),
    contactId: Nullable(
      Type.String({ description: 'The contact (`ctc_…`), when the participant is a known contact.' }),
    ),
    kind: StringEnum(['contact', 'staff']),
  },
  {
    $id: 'Participant',
    title: 'Participant',
    description: 'Someone a message was from, to, or copied to.',
    additionalProperties: false,
    examples: [
      {
        role: 'from',
        name: 'Matt Gillooly',
        address: null,
        contactId: 'ctc_WyJiYXRjaGJvb2siLCJiYXRjaGJvb2siLCI0Il0',
        kind: 'contact',
      },
      {
        role: 'to',
        name: 'John Smith',
        address: 'john.smith@example.com',
        contactId: 'ctc_WyJzbmFwcHkiLCJzbmFwcHkiLCIzMjQ5IiwiMTE5Mzk5Il0',
        kind: 'contact',
      },
    ],
  },
)

export const CommentSchema = Type.Object(
  {
    id: Type.String({ pattern: idPattern('comment') }),
    body: Type.String(),
    author: Nullable(Type.String({ description: 'Display name of the user who wrote it.' })),
    createdAt: IsoDate('When the comment was written (UTC).'),
  },
  {
    $id: 'Comment',
    title: 'Comment',
    description: 'A comment on a BatchBook communication.',
    additionalProperties: false,
    examples: [
      {
        id: 'cmt_WyJiYXRjaGJvb2siLCJiYXRjaGJvb2siLCI2NDAxOSIsIjE5OSJd',
        body: 'Best comment ever',
        author: 'Eric Krause',
        createdAt: '2010-10-10T19:06:27.000Z',
      },
    ],
  },
)

export const AttachmentSchema = Type.Object(
  {
    id: Type.String(),
    filename: Type.String(),
    contentType: Type.String(),
    size: Type.Integer({ minimum: 0 }),
    downloadUrl: Type.String({ description: 'A Switchboard URL that streams the file.' }),
  },
  {
    $id: 'Attachment',
    title: 'Attachment',
    description: 'A file attached to a Snappy note.',
    additionalProperties: false,
    examples: [
      {
        id: 'att_WyJzbmFwcHkiLCJzbmFwcHkiLCIyNjgyNDAiLCI1ODAwMSJd',
        filename: 'invoice.pdf',
        contentType: 'application/pdf',
        size: 48213,
        downloadUrl:
          '/v1/conversations/conv_WyJzbmFwcHkiLCJzbmFwcHkiLCIyNjgyNDAiXQ/attachments/att_WyJzbmFwcHkiLCJzbmFwcHkiLCIyNjgyNDAiLCI1ODAwMSJd',
      },
    ],
  },
)

export const MESSAGE_KINDS = ['email', 'note', 'phone', 'chat'] as const
export const MessageKind = StringEnum(MESSAGE_KINDS)
export const SourceName = StringEnum(['batchbook', 'snappy'])

export const MessageSchema = Type.Object(
  {
    id: Type.String({ pattern: idPattern('message'), description: 'Opaque message id.' }),
    source: SourceName,
    connection: Type.String({ description: 'Name of the configured connection holding the record.' }),
    remoteId: Type.String({ description: 'The id in the upstream system.' }),
    conversationId: Nullable(
      Type.String({ description: 'The conversation (`conv_…`) for Snappy notes; null for BatchBook.' }),
    ),
    kind: MessageKind,
    visibility: Nullable(StringEnum(['public', 'private'])),
    subject: Nullable(Type.String()),
    body: Type.Object(
      { text: Type.String(), html: Nullable(Type.String()) },
      { additionalProperties: false, description: 'Plain text always; HTML when the upstream stored HTML.' },
    ),
    sentAt: IsoDate('When the message was sent or logged (UTC). Lists are ordered by it, newest first.'),
    createdAt: IsoDate('When the upstream record was created (UTC).'),
    updatedAt: IsoDate('When the upstream record last changed (UTC).'),
    author: Nullable(Type.Unsafe<Static<typeof ParticipantSchema>>({ $ref: 'Participant#' })),
    participants: Type.Array(Type.Unsafe<Static<typeof ParticipantSchema>>({ $ref: 'Participant#' }), {
      description:
        'For BatchBook this costs one upstream call per message: lists leave it empty unless asked (`expand=participants`), and the synced replica fills them in behind its backfill (see `participantsStatus`).',
    }),
    participantsStatus: StringEnum(['pending', 'complete'], {
      description:
        '`complete`: `participants` (and `author`) are the record’s. `pending`: they were not read yet (a BatchBook record the sync has not reached, or a list without `expand=participants`): `participants` is empty and `author` null for now. A record read while pending moves to the front of the sync’s fill; `?expand=participants` on the read, or `Cache-Control: no-cache`, reads them from the upstream now.',
    }),
    tags: Type.Array(Type.String()),
    comments: Type.Array(Type.Unsafe<Static<typeof CommentSchema>>({ $ref: 'Comment#' })),
    attachments: Type.Array(Type.Unsafe<Static<typeof AttachmentSchema>>({ $ref: 'Attachment#' })),
    remote: Type.Optional(
      Type.Object(
        {
          format: StringEnum(['xml', 'json'], { description: 'The upstream wire format the record came in.' }),
          data: Type.Unknown({
            description:
              'The upstream record, element names kept (XML is given as its decoded JSON form); never credentials or tokens.',
          }),
        },
        { additionalProperties: false, description: 'Only with `?include=remote`.' },
      ),
    ),
    warnings: Type.Optional(
      Type.Array(Type.Unsafe<Warning>({ $ref: 'Warning#' }), {
        description:
          'Only on the answer to a write the upstream accepted while a later step (a participant, the tags, the read-back) did not complete: the message exists, without what is named here. Do not retry the write; complete the step instead.',
      }),
    ),
  },
  {
    $id: 'Message',
    title: 'Message',
    description: 'A BatchBook communication or a Snappy note, in one shape.',
    additionalProperties: false,
    examples: [
      {
        id: 'msg_WyJiYXRjaGJvb2siLCJiYXRjaGJvb2siLCI2OTUyMiJd',
        source: 'batchbook',
        connection: 'batchbook',
        remoteId: '69522',
        conversationId: null,
        kind: 'email',
        visibility: null,
        subject: 'Re: Hi again!',
        body: { text: 'The body of the email', html: null },
        sentAt: '2010-05-28T14:53:00.000Z',
        createdAt: '2010-05-28T14:53:32.000Z',
        updatedAt: '2010-05-28T14:53:44.000Z',
        author: null,
        participants: [],
        participantsStatus: 'pending',
        tags: ['renewal'],
        comments: [],
        attachments: [],
      },
    ],
  },
)
export type Message = Static<typeof MessageSchema>
export type Participant = Static<typeof ParticipantSchema>
export type Comment = Static<typeof CommentSchema>

export const WarningSchema = Type.Object(
  {
    source: Type.String(),
    connection: Type.String(),
    code: Type.String({ description: 'A problem code, e.g. `upstream_timeout` or `rate_limited`.' }),
    detail: Type.String(),
    step: Type.Optional(
      Type.String({
        description:
          'On a write’s answer: the step after the accepted write that did not complete (`participants`, `tags`, `read-back`).',
      }),
    ),
  },
  {
    $id: 'Warning',
    title: 'Warning',
    description:
      'A connection that could not contribute to a page, or a step of an accepted write that did not complete.',
    additionalProperties: false,
    examples: [
      {
        source: 'snappy',
        connection: 'snappy',
        code: 'rate_limited',
        detail: 'The rate budget of snappy is exhausted; retry in 12 s',
      },
    ],
  },
)

export const MessageListSchema = Type.Object(
  {
    data: Type.Array(Type.Unsafe<Message>({ $ref: 'Message#' })),
    nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page.' })),
    warnings: Type.Optional(Type.Array(Type.Unsafe<Warning>({ $ref: 'Warning#' }))),
  },
  {
    $id: 'MessageList',
    title: 'MessageList',
    description: 'A page of messages, newest first.',
    additionalProperties: false,
    examples: [
      {
        data: [],
        nextCursor: 'eyJ2IjoxLCJwIjp7ImJhdGNoYm9vayI6MjV9LCJkIjpbXX0',
        warnings: [
          { source: 'snappy', connection: 'snappy', code: 'upstream_timeout', detail: 'snappy did not answer in time' },
        ],
      },
    ],
  },
)

export const WriteAcceptedSchema = Type.Object(
  {
    status: Type.Literal('accepted', { description: 'The upstream accepted the write.' }),
    detail: Type.String({ description: 'What was done, and which later step did not complete.' }),
    requestId: Type.String({ description: 'Echoes `X-Request-Id`.' }),
    warnings: Type.Array(Type.Unsafe<Warning>({ $ref: 'Warning#' })),
  },
  {
    $id: 'WriteAccepted',
    title: 'WriteAccepted',
    description:
      'The answer to a write the upstream accepted when a later step (reading the record back, for example) did not complete, so the record cannot be shown. The write is done: do not retry it; read the record later.',
    additionalProperties: false,
    examples: [
      {
        status: 'accepted',
        detail: 'batchbook accepted the write, but a later step did not complete: batchbook did not answer in time',
        requestId: 'req-1',
        warnings: [
          {
            source: 'batchbook',
            connection: 'batchbook',
            step: 'read-back',
            code: 'upstream_timeout',
            detail: 'batchbook did not answer in time',
          },
        ],
      },
    ],
  },
)
export type WriteAccepted = Static<typeof WriteAcceptedSchema>
