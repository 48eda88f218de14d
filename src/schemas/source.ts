import { Type, type Static } from 'typebox'
import { SourceName } from './message.js'
import { StringEnum, wholeListCursor } from './ref.js'

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
            circuit: { state: 'closed', consecutiveFailures: 0 },
          },
        ],
        nextCursor: null,
      },
    ],
  },
)
