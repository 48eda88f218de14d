/** Wall ids: a post is [account, post], a comment [account, post, comment]. */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { type ProblemError, invalidField } from '../../errors.js'
import { IdOf } from '../../schemas/snappy-common.js'
import type { Resolved } from '../../plugins/connections.js'
import type { SnappyAdapter } from '../../upstreams/snappy/adapter.js'

export const PostParams = Type.Object(
  { postId: IdOf('wallPost', 'A wall post id (`wpost_…`).') },
  { additionalProperties: false },
)
export const Done = { 204: Type.Null({ description: 'Done.' }) }

export function invalid(path: string, detail: string): ProblemError {
  return invalidField(path, detail, detail)
}

/** A post id's account and post, with its adapter. */
export function postOf(
  app: FastifyInstance,
  request: FastifyRequest,
  id: string,
): Resolved<SnappyAdapter> & { account: string; post: string } {
  const resolved = request.resolveSnappyId('wallPost', id, 2)
  const [account, post] = resolved.parts as [string, string]
  return { ...resolved, account, post }
}
