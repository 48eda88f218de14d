/**
 * The change feed's events and the webhook endpoints that receive them. An event carries the
 * record as Switchboard serves it; one schema per kind of record, so generated clients type
 * `data.object` (and the OpenAPI document's `webhooks` section names each payload).
 */
import { Type, type Static } from 'typebox'
import { ConversationSchema } from './conversation.js'
import { MessageSchema } from './message.js'
import { OPERATION_EXAMPLE } from './operation.js'
import { Nullable, StringEnum } from './ref.js'

const ORIGIN = StringEnum(['switchboard', 'sync'], {
  description: '`switchboard`: a write through this API; `sync`: a change the sync found at the upstream.',
})

const ENDPOINT_EXAMPLE = {
  id: 'we_9f2kq0xv3b1m',
  url: 'https://hooks.example.com/switchboard',
  description: 'CRM sync',
  eventTypes: ['message.created'],
  connections: null,
  status: 'enabled',
  disabledReason: null,
  createdAt: '2026-11-27T10:00:00.000Z',
  updatedAt: '2026-11-27T10:00:00.000Z',
}

/** An event about the example record of `schema` (each shared schema carries one). */
function exampleEvent(type: string, schema: object, connection: string | null) {
  const examples = (schema as { examples?: unknown[] }).examples
  return {
    id: 'evt_3q2Xb9Lr0aTqQm1v',
    type,
    connection,
    origin: 'sync',
    observedAt: '2026-11-27T10:15:02.000Z',
    timestamp: '2026-11-27T10:15:02.000Z',
    data: { object: examples?.[0] },
  }
}

function eventOf(
  id: string,
  types: readonly string[],
  objectRef: string,
  description: string,
  example: ReturnType<typeof exampleEvent>,
) {
  return Type.Object(
    {
      id: Type.String({ description: 'The event id; the `webhook-id` of its deliveries, the same on every retry.' }),
      type: StringEnum(types),
      connection: Nullable(Type.String({ description: 'The connection of the record (null: not about a record).' })),
      origin: ORIGIN,
      observedAt: Type.String({ format: 'date-time', description: 'When Switchboard saw the change (UTC).' }),
      timestamp: Type.String({
        format: 'date-time',
        description:
          'The same instant as `observedAt`, as the Standard Webhooks payload names it (`type`, `timestamp`, `data`).',
      }),
      data: Type.Object(
        {
          object: Type.Unsafe({
            $ref: `${objectRef}#`,
            description: 'The record as Switchboard serves it (as it was last, for a deletion).',
          }),
        },
        { additionalProperties: false },
      ),
    },
    { $id: id, title: id, description, additionalProperties: false, examples: [example] },
  )
}

const MESSAGE_EVENT_EXAMPLE = exampleEvent('message.created', MessageSchema, 'batchbook')

const MessageEventSchema = eventOf(
  'MessageEvent',
  ['message.created', 'message.updated', 'message.deleted'],
  'Message',
  'A message was created, changed (its participants, tags and comments included) or deleted.',
  MESSAGE_EVENT_EXAMPLE,
)
const ConversationEventSchema = eventOf(
  'ConversationEvent',
  ['conversation.created', 'conversation.updated', 'conversation.deleted'],
  'Conversation',
  'A conversation was created, changed or deleted.',
  exampleEvent('conversation.updated', ConversationSchema, 'snappy'),
)
const WebhookEndpointEventSchema = eventOf(
  'WebhookEndpointEvent',
  ['webhook_endpoint.disabled'],
  'WebhookEndpoint',
  'A webhook endpoint of the key was disabled after its deliveries failed for the whole retry period.',
  exampleEvent(
    'webhook_endpoint.disabled',
    { examples: [{ ...ENDPOINT_EXAMPLE, status: 'disabled', disabledReason: 'deliveries failed for 3 days' }] },
    null,
  ),
)

const OperationEventSchema = eventOf(
  'OperationEvent',
  ['operation.succeeded', 'operation.failed', 'operation.unknown'],
  'Operation',
  'An operation of the key (a write queued with `Prefer: respond-async`) ran: it succeeded, failed with a problem, or its outcome is unknown (the gateway running it stopped mid-way, or its upstream did not answer after the write left; see `resolution`). Sent to that key alone.',
  exampleEvent(
    'operation.succeeded',
    {
      examples: [
        {
          ...OPERATION_EXAMPLE,
          state: 'succeeded',
          startedAt: '2026-11-27T10:15:11.000Z',
          finishedAt: '2026-11-27T10:15:14.000Z',
          attempts: 1,
          position: null,
          estimatedStartAt: null,
          result: {
            status: 201,
            location: '/v1/messages/msg_WyJiYXRjaGJvb2siLCI0MiJd',
            id: 'msg_WyJiYXRjaGJvb2siLCI0MiJd',
            body: null,
          },
        },
      ],
    },
    'batchbook',
  ),
)

/** The union, discriminated by `type`: each member's `type` values name it (mapped in the document). */
const EventSchema = Type.Unsafe({
  $id: 'Event',
  title: 'Event',
  description:
    'A change, as the feed and webhooks deliver it; `type` says which kind (ignore a type you do not know: new ones come in minor versions).',
  oneOf: [
    { $ref: 'MessageEvent#' },
    { $ref: 'ConversationEvent#' },
    { $ref: 'WebhookEndpointEvent#' },
    { $ref: 'OperationEvent#' },
  ],
  discriminator: { propertyName: 'type' },
  examples: [MESSAGE_EVENT_EXAMPLE],
})

export const EventListSchema = Type.Object(
  {
    data: Type.Array(Type.Unsafe({ $ref: 'Event#' }), { description: 'Events, oldest first.' }),
    nextCursor: Nullable(
      Type.String({
        description:
          'The next page, when more events are there already (`hasMore`); null once the feed is read to its end, so a generic paginator stops. To follow the feed, keep `resumeCursor`.',
      }),
    ),
    resumeCursor: Type.String({
      description:
        'Where to resume: pass as `cursor` for the events after these. Never null: with no newer events, ask again later with it (or open `/v1/events/stream` with it as `Last-Event-ID`).',
    }),
    hasMore: Type.Boolean({ description: 'More events are there already: ask again at once.' }),
  },
  {
    $id: 'EventList',
    title: 'EventList',
    description: 'A page of the change feed.',
    additionalProperties: false,
    examples: [
      { data: [MESSAGE_EVENT_EXAMPLE], nextCursor: null, resumeCursor: 'eyJrIjoiZXZlbnRzIiwicyI6NDJ9', hasMore: false },
    ],
  },
)

const EVENT_TYPE_FILTER = Type.Array(Type.String({ pattern: '^(\\*|[a-z_]+\\.[a-z_]+)$' }), {
  minItems: 1,
  maxItems: 20,
  description: 'The event types to send (`*`: all of them).',
})

const ENDPOINT_FIELDS = {
  id: Type.String({ description: 'The endpoint id (`we_…`).' }),
  url: Type.String({ format: 'uri', description: 'Where events are POSTed.' }),
  description: Nullable(Type.String()),
  eventTypes: EVENT_TYPE_FILTER,
  connections: Nullable(
    Type.Array(Type.String(), { description: 'Only events of these connections; null: every one the key may use.' }),
  ),
  status: StringEnum(['enabled', 'disabled']),
  disabledReason: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
}

export const WebhookEndpointSchema = Type.Object(ENDPOINT_FIELDS, {
  $id: 'WebhookEndpoint',
  title: 'WebhookEndpoint',
  description: 'Where the key’s events are sent. The signing secret is shown only when created or rotated.',
  additionalProperties: false,
  examples: [ENDPOINT_EXAMPLE],
})

export const WebhookEndpointWithSecretSchema = Type.Object(
  {
    ...ENDPOINT_FIELDS,
    secret: Type.String({
      description: 'The signing secret (`whsec_…`, Standard Webhooks): shown this once; keep it.',
    }),
  },
  {
    $id: 'WebhookEndpointWithSecret',
    title: 'WebhookEndpointWithSecret',
    description: 'An endpoint with its signing secret, as answered when it is created or its secret rotated.',
    additionalProperties: false,
    examples: [{ ...ENDPOINT_EXAMPLE, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
  },
)

export const WebhookEndpointListSchema = Type.Object(
  {
    data: Type.Array(Type.Unsafe({ $ref: 'WebhookEndpoint#' })),
    nextCursor: Nullable(Type.String({ description: 'Always null: the key’s endpoints come in one page.' })),
  },
  {
    $id: 'WebhookEndpointList',
    title: 'WebhookEndpointList',
    description: 'The key’s webhook endpoints.',
    additionalProperties: false,
    examples: [{ data: [ENDPOINT_EXAMPLE], nextCursor: null }],
  },
)

export const WebhookEndpointInputSchema = Type.Object(
  {
    url: Type.String({ maxLength: 2048, description: 'An http(s) URL that resolves to public addresses.' }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    eventTypes: Type.Optional(EVENT_TYPE_FILTER),
    connections: Type.Optional(
      Nullable(Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 100, uniqueItems: true })),
    ),
  },
  {
    $id: 'WebhookEndpointInput',
    title: 'WebhookEndpointInput',
    description:
      'A new endpoint: `eventTypes` defaults to every type, `connections` to every connection the key may use.',
    additionalProperties: false,
    examples: [{ url: 'https://hooks.example.com/switchboard', eventTypes: ['message.created'] }],
  },
)
export type WebhookEndpointInput = Static<typeof WebhookEndpointInputSchema>

export const WebhookEndpointPatchSchema = Type.Object(
  {
    url: Type.Optional(Type.String({ maxLength: 2048 })),
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    eventTypes: Type.Optional(EVENT_TYPE_FILTER),
    connections: Type.Optional(
      Nullable(Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 100, uniqueItems: true })),
    ),
    enabled: Type.Optional(Type.Boolean({ description: 'false disables the endpoint; true enables it again.' })),
  },
  {
    $id: 'WebhookEndpointPatch',
    title: 'WebhookEndpointPatch',
    description: 'The fields to change.',
    additionalProperties: false,
    minProperties: 1,
    examples: [{ enabled: true }],
  },
)
export type WebhookEndpointPatch = Static<typeof WebhookEndpointPatchSchema>

export const WebhookAttemptListSchema = Type.Object(
  {
    data: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          eventId: Type.String(),
          eventType: Type.String(),
          attemptedAt: Type.String({ format: 'date-time' }),
          statusCode: Nullable(Type.Integer({ description: 'The receiver’s status; null when none came.' })),
          error: Nullable(Type.String()),
          durationMs: Type.Integer({ minimum: 0 }),
          succeeded: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
      { description: 'Delivery attempts, newest first.' },
    ),
    nextCursor: Nullable(Type.String()),
  },
  {
    $id: 'WebhookAttemptList',
    title: 'WebhookAttemptList',
    description: 'Delivery attempts of an endpoint.',
    additionalProperties: false,
    examples: [
      {
        data: [
          {
            id: '17',
            eventId: 'evt_3q2Xb9Lr0aTqQm1v',
            eventType: 'message.created',
            attemptedAt: '2026-11-27T10:15:03.000Z',
            statusCode: 204,
            error: null,
            durationMs: 48,
            succeeded: true,
          },
        ],
        nextCursor: null,
      },
    ],
  },
)

export const WebhookReplayInputSchema = Type.Object(
  {
    since: Type.Optional(Type.String({ format: 'date-time', description: 'Resend the events observed since then.' })),
    cursor: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'Resend the events after this feed cursor (a page’s `resumeCursor`).',
      }),
    ),
  },
  {
    $id: 'WebhookReplayInput',
    title: 'WebhookReplayInput',
    description: 'Where in the event log to resend from: one of `since` and `cursor`.',
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    examples: [{ since: '2026-11-27T00:00:00.000Z' }],
  },
)
export type WebhookReplayInput = Static<typeof WebhookReplayInputSchema>

export const WebhookReplaySchema = Type.Object(
  { queued: Type.Integer({ minimum: 0, description: 'Events queued for delivery again.' }) },
  {
    $id: 'WebhookReplay',
    title: 'WebhookReplay',
    description: 'What a replay queued.',
    additionalProperties: false,
    examples: [{ queued: 12 }],
  },
)

export const WebhookTestSchema = Type.Object(
  {
    eventId: Type.String({ description: 'The test event’s id, its `webhook-id`.' }),
    delivered: Type.Boolean({ description: 'The receiver answered 2xx.' }),
    statusCode: Nullable(Type.Integer({ description: 'The receiver’s status; null when none arrived.' })),
    durationMs: Type.Integer({ minimum: 0 }),
    error: Nullable(Type.String({ description: 'Why it was not delivered.' })),
  },
  {
    $id: 'WebhookTest',
    title: 'WebhookTest',
    description: 'What a receiver answered to a signed test event.',
    additionalProperties: false,
    examples: [{ eventId: 'evt_test_9f2kq0xv3b1mQm1v', delivered: true, statusCode: 204, durationMs: 41, error: null }],
  },
)

export const EVENT_SCHEMAS = [
  WebhookTestSchema,
  MessageEventSchema,
  ConversationEventSchema,
  WebhookEndpointEventSchema,
  OperationEventSchema,
  EventSchema,
  EventListSchema,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
  WebhookEndpointListSchema,
  WebhookEndpointInputSchema,
  WebhookEndpointPatchSchema,
  WebhookAttemptListSchema,
  WebhookReplayInputSchema,
  WebhookReplaySchema,
]
