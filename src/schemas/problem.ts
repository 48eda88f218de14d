import { Type } from 'typebox'
import { ERROR_CODES, type ErrorCode } from '../errors.js'
import { Nullable } from './ref.js'

export const ProblemSchema = Type.Object(
  {
    type: Type.String({
      description: 'A URI naming the problem type; stable per `code`.',
      examples: ['urn:switchboard:problem:not_found'],
    }),
    title: Type.String({ description: 'Short summary of the problem type.' }),
    status: Type.Integer({ description: 'The HTTP status code of this answer.', minimum: 400, maximum: 599 }),
    detail: Type.String({ description: 'What went wrong this time.' }),
    // An open set: new codes come in minor versions, and a client generated from an older
    // document must still read the problem (see the README, "Contract and versions").
    code: Type.String({
      description:
        'Stable, machine-readable error code, one of those in `x-extensible-enum`. New codes may be added in a minor version: handle one you do not know by its `status`.',
      'x-extensible-enum': Object.keys(ERROR_CODES) as ErrorCode[],
    }),
    requestId: Type.String({ description: 'Echoes `X-Request-Id`; quote it when reporting a problem.' }),
    instance: Type.Optional(Type.String({ description: 'The request path this problem occurred on.' })),
    upstream: Type.Optional(
      Type.Object(
        {
          source: Type.String({ description: 'The upstream source involved.' }),
          status: Nullable(Type.Integer({ description: 'The upstream HTTP status, or null when none was received.' })),
        },
        { additionalProperties: false },
      ),
    ),
    errors: Type.Optional(
      Type.Array(
        Type.Object(
          {
            path: Type.String({ description: 'The field: the part of the request, then the field (`body/kind`).' }),
            pointer: Type.String({
              description: 'The same field as an RFC 6901 JSON pointer into the request (`/body/kind`).',
            }),
            message: Type.String({ description: 'What is wrong with it, in a sentence.' }),
            allowed: Type.Optional(
              Type.Array(Type.String(), {
                maxItems: 50,
                description: 'The values it takes (or, for an unknown field, the fields there are).',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20, description: 'Every offending field, at most 20.' },
      ),
    ),
  },
  {
    $id: 'Problem',
    title: 'Problem',
    description: 'An RFC 9457 problem detail, served as `application/problem+json`.',
    examples: [
      {
        type: 'urn:switchboard:problem:upstream_timeout',
        title: 'The upstream service did not answer in time',
        status: 504,
        detail: 'batchbook did not answer in time',
        code: 'upstream_timeout',
        requestId: 'req-5f0c2a',
        upstream: { source: 'batchbook', status: null },
      },
    ],
  },
)
