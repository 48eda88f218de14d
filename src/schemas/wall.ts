/** The team wall of a Snappy account: posts, their comments and likes. */
import { Type, type Static } from 'typebox'
import { idPattern } from '../ids.js'
import { Nullable } from './ref.js'
import { IdOf, IsoDate, exampleId, listOf, origin } from './snappy-common.js'

export const WallAuthorSchema = Type.Object(
  {
    staffId: IdOf('staff', 'The staff member (`stf_…`).'),
    name: Nullable(Type.String()),
  },
  {
    $id: 'WallAuthor',
    title: 'WallAuthor',
    description: 'The staff member who wrote or liked something.',
    additionalProperties: false,
    examples: [{ staffId: exampleId('staff', '58'), name: 'Mike Jones' }],
  },
)
export type WallAuthor = Static<typeof WallAuthorSchema>

const AUTHOR_EXAMPLE = { staffId: exampleId('staff', '58'), name: 'Mike Jones' }
const POST_ID = exampleId('wallPost', '3249', '405')

const COMMENT_EXAMPLE = {
  id: exampleId('wallComment', '3249', '405', '77'),
  postId: POST_ID,
  remoteId: '77',
  content: 'Done, thanks!',
  author: AUTHOR_EXAMPLE,
  createdAt: '2014-09-22T13:10:00.000Z',
  updatedAt: '2014-09-22T13:10:00.000Z',
}

export const WallCommentSchema = Type.Object(
  {
    id: IdOf('wallComment', 'Opaque wall comment id.'),
    postId: IdOf('wallPost', 'The post it comments on.'),
    remoteId: Type.String({ description: 'The id in Snappy.' }),
    content: Type.String(),
    author: Nullable(Type.Unsafe<WallAuthor>({ $ref: 'WallAuthor#' })),
    createdAt: IsoDate('When the comment was written (UTC).'),
    updatedAt: IsoDate('When the comment last changed (UTC).'),
  },
  {
    $id: 'WallComment',
    title: 'WallComment',
    description: 'A comment on a wall post.',
    additionalProperties: false,
    examples: [COMMENT_EXAMPLE],
  },
)
export type WallComment = Static<typeof WallCommentSchema>

export const WallLikeSchema = Type.Object(
  { staffId: IdOf('staff', 'Who liked the post.'), createdAt: IsoDate('When (UTC).') },
  {
    $id: 'WallLike',
    title: 'WallLike',
    description: 'A staff member’s like of a wall post.',
    additionalProperties: false,
    examples: [{ staffId: exampleId('staff', '3696'), createdAt: '2014-09-22T13:12:00.000Z' }],
  },
)
export type WallLike = Static<typeof WallLikeSchema>

const POST_EXAMPLE = {
  id: POST_ID,
  source: 'snappy',
  connection: 'snappy',
  remoteId: '405',
  accountId: exampleId('account', '3249'),
  type: 'post',
  content: 'Can someone take the lab supplies tickets this week?',
  author: AUTHOR_EXAMPLE,
  conversationId: null,
  messageId: null,
  tags: ['lab'],
  comments: [COMMENT_EXAMPLE],
  likes: [{ staffId: exampleId('staff', '3696'), createdAt: '2014-09-22T13:12:00.000Z' }],
  createdAt: '2014-09-22T13:05:00.000Z',
  updatedAt: '2014-09-22T13:05:00.000Z',
}

export const WallPostSchema = Type.Object(
  {
    id: IdOf('wallPost', 'Opaque wall post id.'),
    ...origin,
    accountId: IdOf('account', 'The account whose wall it is on.'),
    type: Type.String({ description: 'Post type, `post` unless another was given.' }),
    content: Type.String(),
    author: Nullable(Type.Unsafe<WallAuthor>({ $ref: 'WallAuthor#' })),
    conversationId: Nullable(
      Type.String({ pattern: idPattern('conversation'), description: 'The conversation the post refers to.' }),
    ),
    messageId: Nullable(Type.String({ pattern: idPattern('message'), description: 'The message the post refers to.' })),
    tags: Type.Array(Type.String()),
    comments: Type.Array(Type.Unsafe<WallComment>({ $ref: 'WallComment#' })),
    likes: Type.Array(Type.Unsafe<WallLike>({ $ref: 'WallLike#' })),
    createdAt: IsoDate('When the post was written (UTC).'),
    updatedAt: IsoDate('When the post last changed (UTC).'),
  },
  {
    $id: 'WallPost',
    title: 'WallPost',
    description: 'A post on an account’s team wall.',
    additionalProperties: false,
    examples: [POST_EXAMPLE],
  },
)
export type WallPost = Static<typeof WallPostSchema>

export const WallPostListSchema = Type.Object(listOf<WallPost>('WallPost', 'Newest first.'), {
  $id: 'WallPostList',
  title: 'WallPostList',
  description: 'A page of an account’s team wall, newest first.',
  additionalProperties: false,
  examples: [{ data: [POST_EXAMPLE], nextCursor: null }],
})

const Text = (max: number, description: string) =>
  Type.String({ minLength: 1, maxLength: max, pattern: '\\S', description })

export const WallPostInputSchema = Type.Object(
  {
    content: Text(20_000, 'The post.'),
    type: Type.Optional(
      Type.String({ pattern: '^[a-z][a-z_-]{0,31}$', description: 'Post type; `post` when left out.' }),
    ),
    conversationId: Type.Optional(
      Type.String({
        pattern: idPattern('conversation'),
        description: 'A conversation of the same connection to refer to.',
      }),
    ),
    messageId: Type.Optional(
      Type.String({
        pattern: idPattern('message'),
        description: 'A Snappy message of the same connection to refer to.',
      }),
    ),
    tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001F]*$' }), { maxItems: 50 }),
    ),
  },
  {
    $id: 'WallPostInput',
    title: 'WallPostInput',
    description: 'A new wall post.',
    additionalProperties: false,
    examples: [{ content: 'Can someone take the lab supplies tickets this week?', tags: ['lab'] }],
  },
)
export type WallPostInput = Static<typeof WallPostInputSchema>

export const WallCommentInputSchema = Type.Object(
  { content: Text(10_000, 'The comment.') },
  {
    $id: 'WallCommentInput',
    title: 'WallCommentInput',
    description: 'The text of a comment on a wall post.',
    additionalProperties: false,
    examples: [{ content: 'Done, thanks!' }],
  },
)
export type WallCommentInput = Static<typeof WallCommentInputSchema>
