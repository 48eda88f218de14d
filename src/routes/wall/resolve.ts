/** Wall ids: a post is [account, post], a comment [account, post, comment]. */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { ProblemError } from '../../errors.js'
import { IdOf } from '../../schemas/snappy-common.js'
import { resolveId, type Resolved } from '../../upstreams/snappy/access.js'

export const PostParams = Type.Object({ postId: IdOf('wallPost', 'A wall post id (`wpost_…`).') }, { additionalProperties: false })
export const Done = { 204: Type.Null({ description: 'Done.' }) }

export function invalid(path: string, detail: string): ProblemError {
  return new ProblemError('validation_failed', detail, { errors: [{ path, message: detail }] })
}

/** A post id's account and post, with its adapter. */
export function postOf(app: FastifyInstance, request: FastifyRequest, id: string): Resolved & { account: string; post: string } {
  const resolved = resolveId(app, request, 'wallPost', id, 2)
  const [account, post] = resolved.parts as [string, string]
  return { ...resolved, account, post }
}
