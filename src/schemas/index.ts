import type { FastifyInstance } from 'fastify'
import { AttachmentSchema, CommentSchema, MessageListSchema, MessageSchema, ParticipantSchema, WarningSchema } from './message.js'
import { BatchBookMessageInputSchema, SnappyMessageInputSchema } from './message-input.js'
import { CommentInputSchema, CommentListSchema, MessagePatchSchema, ParticipantInputSchema, ParticipantListSchema, TagListSchema } from './message-parts.js'
import { ProblemSchema } from './problem.js'
import { CapabilitiesSchema, SourceListSchema, SourceSchema } from './source.js'

/** Every shared schema, registered once so OpenAPI shows each as a named component. */
export const SHARED_SCHEMAS = [
  ProblemSchema,
  ParticipantSchema,
  CommentSchema,
  AttachmentSchema,
  MessageSchema,
  WarningSchema,
  MessageListSchema,
  BatchBookMessageInputSchema,
  SnappyMessageInputSchema,
  MessagePatchSchema,
  ParticipantInputSchema,
  ParticipantListSchema,
  TagListSchema,
  CommentInputSchema,
  CommentListSchema,
  CapabilitiesSchema,
  SourceSchema,
  SourceListSchema,
]

export function registerSchemas(app: FastifyInstance): void {
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema)
}
