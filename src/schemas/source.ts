import { Type, type Static } from 'typebox'
import { SourceName } from './message.js'
import { Nullable, StringEnum, wholeListCursor } from './ref.js'

export const CapabilitiesSchema = Type.Object(
  {
    messages: Type.Object(
      {
        list: Type.Boolean(),
        read: Type.Boolean(),
        create: Type.Boolean(),
        update: Type.Boolean(),
        delete: Type.Boolean(),
        participants: Type.Boolean(),
        tags: Type.Boolean(),
        comments: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
  },
  {
    $id: 'Capabilities',
    title: 'Capabilities',
    description:
      'What Switchboard can do with this connection. Operations marked false answer 405 `unsupported_by_source`.',
    additionalProperties: false,
    examples: [
      {
        messages: {
          list: true,
          read: true,
          create: true,
          update: true,
          delete: true,
          participants: true,
          tags: true,
          comments: true,
        },
      },
    ],
  },
)
export type Capabilities = Static<typeof CapabilitiesSchema>

export const SourceSchema = Type.Object(
  {
    name: Type.String({ description: 'Connection name, used in ids and in the `connection` filter.' }),
    source: SourceName,
    sandbox: Type.Boolean({ description: 'True when the connection points at a built-in simulator.' }),
    capabilities: Type.Unsafe<Capabilities>({ $ref: 'Capabilities#' }),
    rateLimit: Type.Object(
      {
        limit: Type.Integer({ description: 'Upstream requests allowed per window.' }),
        windowSeconds: Type.Number(),
        remaining: Type.Integer({ description: 'Requests left in the current window.' }),
        resetSeconds: Type.Number({ description: 'Seconds until a request taken now is back in the budget.' }),
        queued: Type.Integer({ description: 'Calls waiting for budget right now.' }),
      },
      { additionalProperties: false },
    ),
    sync: Nullable(
      Type.Object(
        {
          state: StringEnum(['pending', 'backfilling', 'live', 'failing'], {
            description:
              '`pending`: not started yet; `backfilling`: the first full read is under way (reads still go to the upstream); `live`: reads come from the replica, changes are polled; `failing`: the last step failed and is retried with backoff (reads keep coming from the replica once backfilled).',
          }),
          backfilledAt: Nullable(Type.String({ format: 'date-time', description: 'When the backfill ended.' })),
          participantsComplete: Type.Boolean({
            description:
              'Every message’s participants were read (BatchBook reads them one call per message, after the backfill).',
          }),
          records: Type.Object(
            { messages: Type.Integer({ minimum: 0 }), conversations: Type.Integer({ minimum: 0 }) },
            { additionalProperties: false },
          ),
          lagSeconds: Nullable(
            Type.Integer({
              minimum: 0,
              description: 'Seconds since the replica last matched the upstream (the `X-Data-Age` of its reads).',
            }),
          ),
          lastSuccessAt: Nullable(Type.String({ format: 'date-time' })),
          lastError: Nullable(Type.String()),
          budgetShare: Type.Number({
            minimum: 0,
            maximum: 1,
            description: 'The largest share of the rate budget the sync may use; clients always go first.',
          }),
          upstreamCalls: Type.Integer({ minimum: 0, description: 'Upstream calls the sync has made.' }),
        },
        { additionalProperties: false, description: 'The synced replica of this connection; null when it is off.' },
      ),
    ),
    circuit: Type.Object(
      {
        state: StringEnum(['closed', 'open', 'half-open'], {
          description: 'open: calls fail fast with 503 `circuit_open` (or stale data) until a probe succeeds.',
        }),
        consecutiveFailures: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
  },
  {
    $id: 'Source',
    title: 'Source',
    description: 'A configured upstream connection.',
    additionalProperties: false,
    examples: [
      {
        name: 'batchbook',
        source: 'batchbook',
        sandbox: false,
        capabilities: {
          messages: {
            list: true,
            read: true,
            create: true,
            update: true,
            delete: true,
            participants: true,
            tags: true,
            comments: true,
          },
        },
        rateLimit: { limit: 1, windowSeconds: 1, remaining: 1, resetSeconds: 0, queued: 0 },
        sync: {
          state: 'live',
          backfilledAt: '2026-11-27T09:00:00.000Z',
          participantsComplete: false,
          records: { messages: 2025, conversations: 0 },
          lagSeconds: 4,
          lastSuccessAt: '2026-11-27T10:15:02.000Z',
          lastError: null,
          budgetShare: 1,
          upstreamCalls: 233,
        },
        circuit: { state: 'closed', consecutiveFailures: 0 },
      },
    ],
  },
)
export type Source = Static<typeof SourceSchema>

export const SourceListSchema = Type.Object(
  { data: Type.Array(Type.Unsafe<Source>({ $ref: 'Source#' })), nextCursor: wholeListCursor() },
  {
    $id: 'SourceList',
    title: 'SourceList',
    description: 'The connections the API key may use, in one page.',
    additionalProperties: false,
    examples: [
      {
        data: [
          {
            name: 'batchbook',
            source: 'batchbook',
            sandbox: false,
            capabilities: {
              messages: {
                list: true,
                read: true,
                create: true,
                update: true,
                delete: true,
                participants: true,
                tags: true,
                comments: true,
              },
            },
            rateLimit: { limit: 1, windowSeconds: 1, remaining: 1, resetSeconds: 0, queued: 0 },
            sync: null,
            circuit: { state: 'closed', consecutiveFailures: 0 },
          },
        ],
        nextCursor: null,
      },
    ],
  },
)
