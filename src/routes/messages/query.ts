/** Query parameters shared by the message routes. */
import { Type } from 'typebox'
import { idPattern } from '../../ids.js'

export const ReadOptionsQuery = {
  include: Type.Optional(
    Type.Literal('remote', { description: '`remote` adds the sanitized upstream record as `remote`.' }),
  ),
  expand: Type.Optional(
    Type.Literal('participants', {
      description:
        'Load participants in lists too. For BatchBook each message costs one more upstream call at 1 request per second.',
    }),
  ),
}

export const MessageIdParams = Type.Object(
  { id: Type.String({ pattern: idPattern('message'), description: 'A message id (`msg_…`).' }) },
  { additionalProperties: false },
)
