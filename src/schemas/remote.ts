import { Type, type Static } from 'typebox'
import { StringEnum } from './ref.js'

export const RemoteRecordSchema = Type.Object(
  {
    format: StringEnum(['xml', 'json'], { description: 'The upstream wire format the record came in.' }),
    data: Type.Unknown({
      description:
        'The upstream record with its own field names, reduced to an allow-list: never tokens, credentials or billing fields.',
    }),
  },
  {
    $id: 'RemoteRecord',
    title: 'RemoteRecord',
    description: 'The sanitized upstream record, only with `?include=remote`.',
    additionalProperties: false,
    examples: [{ format: 'json', data: { id: 268308, status: 'waiting', default_subject: 'Test subject' } }],
  },
)
export type RemoteRecord = Static<typeof RemoteRecordSchema>
