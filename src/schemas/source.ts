import { Type, type Static } from 'typebox'
import { SourceName } from './message.js'
import { Nullable, StringEnum, wholeListCursor } from './ref.js'

const CAPABILITIES_EXAMPLE = {
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
}

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
    examples: [CAPABILITIES_EXAMPLE],
  },
)
export type Capabilities = Static<typeof CapabilitiesSchema>

const SOURCE_EXAMPLE = {
  name: 'batchbook',
  source: 'batchbook',
  sandbox: false,
  capabilities: CAPABILITIES_EXAMPLE,
  rateLimit: { limit: 1, windowSeconds: 1, remaining: 1, resetSeconds: 0, queued: 0 },
  sync: {
    state: 'live',
    backfilledAt: '2026-11-27T09:00:00.000Z',
    participantsComplete: false,
    records: { messages: 2025, conversations: 0 },
    lagSeconds: 4,
    lastSuccessAt: '2026-11-27T10:15:02.000Z',
    lastError: null,
    failingSince: null,
    progress: { phase: 'participants', done: 1500, total: 2025, percent: 74, etaSeconds: 578 },
    budgetShare: 1,
    upstreamCalls: 233,
    pageSize: 100,
    reconcile: {
      lastAt: '2026-11-27T10:12:40.000Z',
      nextAt: '2026-11-27T10:15:50.000Z',
      lastDeleted: 1,
      deletionsFound: 3,
    },
  },
  operations: { queued: 3, running: 1, oldestQueuedSeconds: 4 },
  circuit: { state: 'closed', consecutiveFailures: 0 },
}

export const SourceSchema = Type.Object(
  {
    name: Type.String({ description: 'Connection name, used in ids and in the `connection` filter.' }),
    source: SourceName,
    sandbox: Type.Boolean({ description: 'True when the connection points at a built-in simulator.' }),
    capabilities: Type.Unsafe<Capabilities>({ $ref: 'Capabilities#' }),
    rateLimit: Type.Object(
      {
        limit: Type.Integer({
          description: 'Upstream requests the connection allows per window (its documented limit).',
        }),
        windowSeconds: Type.Number({ description: 'The window the limit counts over, in seconds.' }),
        remaining: Type.Integer({
          description:
            'Requests left in the current window right now, over every gateway. The sync takes whatever clients leave, so while it works this is usually 0 without any client being refused: a client’s call goes before the sync’s next one.',
        }),
        resetSeconds: Type.Number({ description: 'Seconds until a request taken now is back in the budget.' }),
        queued: Type.Integer({
          description:
            'Calls of this gateway waiting for their turn right now, the sync’s included (it waits behind every client call). Clients are refused (429) only when their wait would pass `RATE_LIMIT_MAX_WAIT_MS`.',
        }),
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
          failingSince: Nullable(
            Type.String({
              format: 'date-time',
              description:
                'When the current run of failed steps began; `/readyz` answers `degraded` once it lasts several poll intervals.',
            }),
          ),
          progress: Type.Object(
            {
              phase: StringEnum(['backfill', 'participants', 'done'], {
                description:
                  '`backfill`: the first full read; `participants`: BatchBook’s participants, one call a message, after it (reads are served meanwhile); `done`.',
              }),
              done: Nullable(Type.Integer({ minimum: 0, description: 'Records done in this phase.' })),
              total: Nullable(
                Type.Integer({
                  minimum: 0,
                  description:
                    'Records this phase has in all, when known (neither upstream says how many it has, so none during the backfill).',
                }),
              ),
              percent: Nullable(Type.Number({ minimum: 0, maximum: 100 })),
              etaSeconds: Nullable(
                Type.Integer({
                  minimum: 0,
                  description:
                    'Time left at the connection’s rate limit and the sync’s share of it, when the total is known; clients’ calls go first, so it is a lower bound.',
                }),
              ),
            },
            { additionalProperties: false, description: 'How far the sync is.' },
          ),
          budgetShare: Type.Number({
            minimum: 0,
            maximum: 1,
            description: 'The largest share of the rate budget the sync may use; clients always go first.',
          }),
          upstreamCalls: Type.Integer({ minimum: 0, description: 'Upstream calls the sync has made.' }),
          pageSize: Nullable(
            Type.Integer({
              minimum: 1,
              description:
                'Records per upstream page the sync reads (BatchBook: `SYNC_BATCHBOOK_PAGE_SIZE`, or what the upstream was seen to honour when asked for 100); null where the source does not page.',
            }),
          ),
          reconcile: Type.Object(
            {
              lastAt: Nullable(
                Type.String({ format: 'date-time', description: 'When the last pass looking for deletions ended.' }),
              ),
              nextAt: Nullable(
                Type.String({
                  format: 'date-time',
                  description:
                    'When the next is due: BatchBook walks every page at intervals that keep the walks within `SYNC_RECONCILE_BUDGET_PERCENT` of the limit; Snappy rechecks a few tickets in no queue on every pass.',
                }),
              ),
              lastDeleted: Nullable(
                Type.Integer({ minimum: 0, description: 'Records the last BatchBook walk found deleted upstream.' }),
              ),
              deletionsFound: Type.Integer({
                minimum: 0,
                description:
                  'Records the sync found deleted upstream since it began: by its walks and rechecks, and by its own reads the upstream answered 404. (A client’s read that finds a record gone removes it at once too; it is not counted here.)',
              }),
            },
            { additionalProperties: false, description: 'How the sync finds records deleted upstream.' },
          ),
        },
        { additionalProperties: false, description: 'The synced replica of this connection; null when it is off.' },
      ),
    ),
    operations: Nullable(
      Type.Object(
        {
          queued: Type.Integer({ minimum: 0, description: 'Writes waiting their turn (`Prefer: respond-async`).' }),
          running: Type.Integer({ minimum: 0, description: 'Writes of the queue being made now (0 or 1).' }),
          oldestQueuedSeconds: Nullable(
            Type.Integer({ minimum: 0, description: 'How long the oldest waiting write has waited; null when none.' }),
          ),
        },
        {
          additionalProperties: false,
          description:
            'The connection’s queue of writes run later; null without the store (`REPLICA=false`) or while the store does not answer.',
        },
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
    examples: [SOURCE_EXAMPLE],
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
        data: [{ ...SOURCE_EXAMPLE, sync: null, operations: { queued: 0, running: 0, oldestQueuedSeconds: null } }],
        nextCursor: null,
      },
    ],
  },
)
