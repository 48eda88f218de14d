import type { FastifyInstance } from 'fastify'
import { EVENT_SCHEMAS } from './event.js'
import {
  AttachmentSchema,
  CommentSchema,
  MessageListSchema,
  MessageSchema,
  ParticipantSchema,
  WarningSchema,
  WriteAcceptedSchema,
} from './message.js'
import { BatchBookMessageInputSchema, MessageInputSchema, SnappyMessageInputSchema } from './message-input.js'
import {
  CommentInputSchema,
  CommentListSchema,
  MessagePatchSchema,
  ParticipantInputSchema,
  ParticipantListSchema,
  TagListSchema,
} from './message-parts.js'
import { AcceptedSchema, OperationListSchema, OperationSchema } from './operation.js'
import { ProblemSchema } from './problem.js'
import { CapabilitiesSchema, SourceListSchema, SourceSchema } from './source.js'
import {
  AccountListSchema,
  AccountSchema,
  MailboxListSchema,
  MailboxSchema,
  StaffListSchema,
  StaffSchema,
} from './account.js'
import { ContactSchema } from './contact.js'
import {
  ConversationListSchema,
  ConversationSchema,
  ConversationStatusInputSchema,
  ConversationTagsInputSchema,
} from './conversation.js'
import { DocumentListSchema, DocumentSchema } from './document.js'
import {
  FaqInputSchema,
  FaqListSchema,
  FaqPatchSchema,
  FaqQuestionInputSchema,
  FaqQuestionListSchema,
  FaqQuestionPatchSchema,
  FaqQuestionSchema,
  FaqQuestionTopicsInputSchema,
  FaqQuestionTopicsSchema,
  FaqSchema,
  FaqSearchHitSchema,
  FaqSearchResultSchema,
  FaqTopicInputSchema,
  FaqTopicListSchema,
  FaqTopicSchema,
} from './faq.js'
import { RemoteRecordSchema } from './remote.js'
import {
  WallAuthorSchema,
  WallCommentInputSchema,
  WallCommentSchema,
  WallLikeSchema,
  WallPostInputSchema,
  WallPostListSchema,
  WallPostSchema,
} from './wall.js'

/** Every shared schema, registered once so OpenAPI shows each as a named component. */
const SHARED_SCHEMAS = [
  ProblemSchema,
  ParticipantSchema,
  CommentSchema,
  AttachmentSchema,
  MessageSchema,
  WarningSchema,
  WriteAcceptedSchema,
  MessageListSchema,
  BatchBookMessageInputSchema,
  SnappyMessageInputSchema,
  MessageInputSchema,
  MessagePatchSchema,
  ParticipantInputSchema,
  ParticipantListSchema,
  TagListSchema,
  CommentInputSchema,
  CommentListSchema,
  CapabilitiesSchema,
  SourceSchema,
  SourceListSchema,
  RemoteRecordSchema,
  ConversationSchema,
  ConversationListSchema,
  ConversationTagsInputSchema,
  ConversationStatusInputSchema,
  AccountSchema,
  AccountListSchema,
  MailboxSchema,
  MailboxListSchema,
  StaffSchema,
  StaffListSchema,
  ContactSchema,
  DocumentSchema,
  DocumentListSchema,
  WallAuthorSchema,
  WallCommentSchema,
  WallLikeSchema,
  WallPostSchema,
  WallPostListSchema,
  WallPostInputSchema,
  WallCommentInputSchema,
  FaqSchema,
  FaqListSchema,
  FaqTopicSchema,
  FaqTopicListSchema,
  FaqQuestionSchema,
  FaqQuestionListSchema,
  FaqSearchHitSchema,
  FaqSearchResultSchema,
  FaqInputSchema,
  FaqPatchSchema,
  FaqTopicInputSchema,
  FaqQuestionInputSchema,
  FaqQuestionPatchSchema,
  FaqQuestionTopicsInputSchema,
  FaqQuestionTopicsSchema,
  OperationSchema,
  OperationListSchema,
  AcceptedSchema,
  ...EVENT_SCHEMAS,
]

export function registerSchemas(app: FastifyInstance): void {
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema)
}
