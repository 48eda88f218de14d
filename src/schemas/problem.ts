import { Type } from 'typebox'
import { ERROR_CODES, type ErrorCode } from '../errors.js'
import { Nullable, StringEnum } from './ref.js'

export const ProblemSchema = Type.Object(
  {
    type: Type.String({
      description: 'A URI naming the problem type; stable per `code`.',
      examples: ['urn:switchboard:problem:not_found'],
    }),
    title: Type.String({ description: 'Short summary of the problem type.' }),
    status: Type.Integer({ description: 'The HTTP status code of this answer.', minimum: 400, maximum: 599 }),
    detail: Type.String({ description: 'What went wrong this time.' }),
    code: StringEnum(Object.keys(ERROR_CODES) as ErrorCode[], { description: 'Stable, machine-readable error code.' }),
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
      Type.Array(Type.Object({ path: Type.String(), message: Type.String() }, { additionalProperties: false }), {
        description: 'Field-level validation errors.',
      }),
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
