/**
 * Operations: writes a client asked to run later (`Prefer: respond-async`), as
 * `GET /v1/operations/{id}` answers them and `operation.succeeded|failed` events carry them.
 */
import { Type, type Static } from 'typebox'
import { Nullable, StringEnum } from './ref.js'

export const OPERATION_STATES = ['queued', 'running', 'succeeded', 'failed', 'unknown', 'canceled'] as const

export const OPERATION_EXAMPLE = {
  id: 'op_Qm1v3q2Xb9Lr0aTq',
  state: 'queued',
  connection: 'batchbook',
  request: {
    method: 'POST',
    path: '/v1/messages',
    body: {
      source: 'batchbook',
      kind: 'email',
      subject: 'Renewal',
      body: 'Hi Anna',
      participants: [],
      tags: ['renewal'],
    },
  },
  createdAt: '2026-11-27T10:15:02.000Z',
  startedAt: null,
  finishedAt: null,
  attempts: 0,
  position: 3,
  estimatedStartAt: '2026-11-27T10:15:11.000Z',
  result: null,
  problem: null,
  resolution: null,
}

export const OperationSchema = Type.Object(
  {
    id: Type.String({ description: 'The operation id (`op_…`).' }),
    state: StringEnum(OPERATION_STATES, {
      description:
        '`queued`: waiting its turn; `running`: its upstream calls are being made; `succeeded` / `failed`: done, see `result` or `problem`; ' +
        '`unknown`: the gateway running it stopped mid-way, or its upstream did not answer after the write left, so the write may or may not have been made: it is never run again on its own (see `resolution`); ' +
        '`canceled`: canceled while queued, nothing was sent.',
    }),
    connection: Type.String({ description: 'The connection whose queue it is in.' }),
    request: Type.Object(
      {
        method: Type.String(),
        path: Type.String({ description: 'The path and query it was sent to.' }),
        body: Type.Unknown({ description: 'The request body as validated (null for none).' }),
      },
      { additionalProperties: false, description: 'The write as the gateway validated it.' },
    ),
    createdAt: Type.String({ format: 'date-time' }),
    startedAt: Nullable(Type.String({ format: 'date-time', description: 'When its last run began.' })),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
    attempts: Type.Integer({
      minimum: 0,
      description:
        'Runs begun; more than one only when a run ended before anything was written (an open circuit, for one).',
    }),
    position: Nullable(
      Type.Integer({ minimum: 1, description: 'Its place in the queue while `queued` (1: next to run); null after.' }),
    ),
    estimatedStartAt: Nullable(
      Type.String({
        format: 'date-time',
        description:
          'While `queued`: when it should start, from the operations ahead of it and the connection’s rate budget. An estimate, not a promise.',
      }),
    ),
    result: Nullable(
      Type.Object(
        {
          status: Type.Integer({
            description: 'The status the write would have answered synchronously (201, 200, 204).',
          }),
          location: Nullable(Type.String({ description: 'Where the record it made or changed can be read.' })),
          id: Nullable(
            Type.String({ description: 'The id of the record it made or changed, when the answer has one.' }),
          ),
          body: Type.Unknown({ description: 'The answer as the synchronous write gives it (the record), or null.' }),
        },
        { additionalProperties: false, description: 'When `succeeded`: what the write answered.' },
      ),
    ),
    problem: Nullable(
      Type.Unsafe<Record<string, unknown>>({
        $ref: 'Problem#',
        description: 'When `failed` (or `unknown` after an upstream failure): the problem it answered.',
      }),
    ),
    resolution: Nullable(
      Type.String({ description: 'When `unknown`: how to find out whether the write was made, and what to do.' }),
    ),
  },
  {
    $id: 'Operation',
    title: 'Operation',
    description: 'A write queued with `Prefer: respond-async`, and what became of it.',
    additionalProperties: false,
    examples: [OPERATION_EXAMPLE],
  },
)

export type Operation = Static<typeof OperationSchema>

export const OperationListSchema = Type.Object(
  {
    data: Type.Array(Type.Unsafe<Operation>({ $ref: 'Operation#' }), { description: 'Newest first.' }),
    nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for older operations; null at the end.' })),
  },
  {
    $id: 'OperationList',
    title: 'OperationList',
    description: 'A page of the key’s operations.',
    additionalProperties: false,
    examples: [{ data: [OPERATION_EXAMPLE], nextCursor: null }],
  },
)

/** A write's `202`: a write accepted whose last step still runs, or a write queued as an operation. */
export const AcceptedSchema = Type.Union(
  [Type.Unsafe({ $ref: 'WriteAccepted#' }), Type.Unsafe({ $ref: 'Operation#' })],
  {
    $id: 'Accepted',
    title: 'Accepted',
    description:
      '`WriteAccepted` (it has `status: accepted`): the upstream accepted the write and a later step still runs; do not retry. ' +
      '`Operation` (it has `state`): the write was queued as the request preferred (`Prefer: respond-async`, or a `wait` that ran out); follow `Location`.',
    examples: [OPERATION_EXAMPLE],
  },
)
