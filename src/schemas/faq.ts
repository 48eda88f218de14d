/** Snappy FAQs, their topics and questions, FAQ search, and the bodies of FAQ writes. */
import { Type, type Static } from 'typebox'
import { idPattern } from '../ids.js'
import { Nullable } from './ref.js'
import { IdOf, IsoDate, exampleId, listOf, origin } from './snappy-common.js'

const FAQ_EXAMPLE = {
  id: exampleId('faq', '3249', '12'),
  source: 'snappy',
  connection: 'snappy',
  remoteId: '12',
  accountId: exampleId('account', '3249'),
  title: 'Help centre',
  url: 'help-centre',
  createdAt: '2014-07-21T20:22:12.000Z',
  updatedAt: '2014-07-21T20:22:12.000Z',
}

export const FaqSchema = Type.Object(
  {
    id: IdOf('faq', 'Opaque FAQ id.'),
    ...origin,
    accountId: IdOf('account', 'The account the FAQ belongs to.'),
    title: Type.String(),
    url: Nullable(Type.String({ description: 'The FAQ’s URL slug.' })),
    createdAt: IsoDate('When the FAQ was created (UTC).'),
    updatedAt: IsoDate('When the FAQ last changed (UTC).'),
  },
  {
    $id: 'Faq',
    title: 'Faq',
    description: 'A Snappy FAQ (knowledge base).',
    additionalProperties: false,
    examples: [FAQ_EXAMPLE],
  },
)
export type Faq = Static<typeof FaqSchema>

export const FaqListSchema = Type.Object(listOf<Faq>('Faq', 'The account’s FAQs.'), {
  $id: 'FaqList',
  title: 'FaqList',
  description: 'The FAQs of a Snappy account, in one page.',
  additionalProperties: false,
  examples: [{ data: [FAQ_EXAMPLE], nextCursor: null }],
})

const TOPIC_EXAMPLE = {
  id: exampleId('faqTopic', '3249', '12', '31'),
  source: 'snappy',
  connection: 'snappy',
  remoteId: '31',
  faqId: exampleId('faq', '3249', '12'),
  name: 'Billing',
  order: 1,
  slug: 'billing',
  createdAt: '2014-07-21T20:22:12.000Z',
  updatedAt: '2014-07-21T20:22:12.000Z',
}

export const FaqTopicSchema = Type.Object(
  {
    id: IdOf('faqTopic', 'Opaque FAQ topic id.'),
    ...origin,
    faqId: IdOf('faq', 'The FAQ the topic belongs to.'),
    name: Type.String({ description: 'The topic (Snappy’s `topic`).' }),
    order: Nullable(Type.Integer()),
    slug: Nullable(Type.String()),
    createdAt: IsoDate('When the topic was created (UTC).'),
    updatedAt: IsoDate('When the topic last changed (UTC).'),
  },
  {
    $id: 'FaqTopic',
    title: 'FaqTopic',
    description: 'A topic of a Snappy FAQ.',
    additionalProperties: false,
    examples: [TOPIC_EXAMPLE],
  },
)
export type FaqTopic = Static<typeof FaqTopicSchema>

export const FaqTopicListSchema = Type.Object(listOf<FaqTopic>('FaqTopic', 'The FAQ’s topics.'), {
  $id: 'FaqTopicList',
  title: 'FaqTopicList',
  description: 'The topics of a FAQ, in one page.',
  additionalProperties: false,
  examples: [{ data: [TOPIC_EXAMPLE], nextCursor: null }],
})

const QUESTION_EXAMPLE = {
  id: exampleId('faqQuestion', '3249', '12', '31', '2'),
  source: 'snappy',
  connection: 'snappy',
  remoteId: '2',
  accountId: exampleId('account', '3249'),
  faqId: exampleId('faq', '3249', '12'),
  topicId: exampleId('faqTopic', '3249', '12', '31'),
  question: 'Pricing and use of multiple accounts',
  answer: 'Snappy allows you to have multiple distinct accounts...',
  answerHtml: '<p>Snappy allows you to have multiple distinct accounts...</p>\n',
  active: true,
  createdAt: '2014-07-21T20:22:12.000Z',
  updatedAt: '2014-07-21T20:22:12.000Z',
}

export const FaqQuestionSchema = Type.Object(
  {
    id: IdOf('faqQuestion', 'Opaque FAQ question id (it names the topic the question was reached through).'),
    ...origin,
    accountId: IdOf('account', 'The account the question belongs to.'),
    faqId: IdOf('faq', 'The FAQ.'),
    topicId: IdOf('faqTopic', 'The topic the question was reached through; a question may be in several.'),
    question: Type.String(),
    answer: Type.String({ description: 'The answer as written.' }),
    answerHtml: Nullable(Type.String({ description: 'The answer rendered as HTML by Snappy, when it sends one.' })),
    active: Type.Boolean(),
    createdAt: IsoDate('When the question was created (UTC).'),
    updatedAt: IsoDate('When the question last changed (UTC).'),
  },
  {
    $id: 'FaqQuestion',
    title: 'FaqQuestion',
    description: 'A question and its answer in a Snappy FAQ.',
    additionalProperties: false,
    examples: [QUESTION_EXAMPLE],
  },
)
export type FaqQuestion = Static<typeof FaqQuestionSchema>

export const FaqQuestionListSchema = Type.Object(listOf<FaqQuestion>('FaqQuestion', 'The topic’s questions.'), {
  $id: 'FaqQuestionList',
  title: 'FaqQuestionList',
  description: 'The questions of a FAQ topic, in one page.',
  additionalProperties: false,
  examples: [{ data: [QUESTION_EXAMPLE], nextCursor: null }],
})

const HIT_EXAMPLE = {
  remoteId: '2',
  accountId: exampleId('account', '3249'),
  question: 'Pricing and use of multiple accounts',
  answer: 'Snappy allows you to have multiple distinct accounts...',
  active: true,
  createdAt: '2014-07-21T20:22:12.000Z',
  updatedAt: '2014-07-21T20:22:12.000Z',
}

export const FaqSearchHitSchema = Type.Object(
  {
    remoteId: Type.String({ description: 'The question’s id in Snappy.' }),
    accountId: IdOf('account', 'The account searched.'),
    question: Type.String(),
    answer: Type.String(),
    active: Type.Boolean(),
    createdAt: IsoDate('When the question was created (UTC).'),
    updatedAt: IsoDate('When the question last changed (UTC).'),
  },
  {
    $id: 'FaqSearchHit',
    title: 'FaqSearchHit',
    description:
      'A question found by FAQ search. Snappy does not say which FAQ and topic it is in, so it carries no question id to act on.',
    additionalProperties: false,
    examples: [HIT_EXAMPLE],
  },
)
export type FaqSearchHit = Static<typeof FaqSearchHitSchema>

export const FaqSearchResultSchema = Type.Object(
  {
    ...listOf<FaqSearchHit>('FaqSearchHit', 'One page of hits, as Snappy pages them.'),
    total: Type.Integer({ minimum: 0, description: 'Hits across all pages.' }),
    page: Type.Integer({ minimum: 1, description: 'This page’s number.' }),
  },
  {
    $id: 'FaqSearchResult',
    title: 'FaqSearchResult',
    description: 'A page of FAQ search hits, as Snappy pages them.',
    additionalProperties: false,
    examples: [{ data: [HIT_EXAMPLE], nextCursor: null, total: 1, page: 1 }],
  },
)
export type FaqSearchResult = Static<typeof FaqSearchResultSchema>

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' })
const Slug = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{0,99}$',
  description: 'URL slug (lower-case letters, digits and hyphens).',
})

export const FaqInputSchema = Type.Object(
  { title: Text(200), url: Type.Optional(Slug) },
  {
    $id: 'FaqInput',
    title: 'FaqInput',
    description: 'A new FAQ; `url` is derived from the title when left out.',
    additionalProperties: false,
    examples: [{ title: 'Help centre', url: 'help-centre' }],
  },
)
export type FaqInput = Static<typeof FaqInputSchema>

export const FaqPatchSchema = Type.Object(
  { title: Type.Optional(Text(200)), url: Type.Optional(Slug) },
  {
    $id: 'FaqPatch',
    title: 'FaqPatch',
    description: 'The fields to change; at least one.',
    additionalProperties: false,
    minProperties: 1,
    examples: [{ title: 'Support centre' }],
  },
)
export type FaqPatch = Static<typeof FaqPatchSchema>

export const FaqTopicInputSchema = Type.Object(
  { name: Text(200) },
  {
    $id: 'FaqTopicInput',
    title: 'FaqTopicInput',
    description: 'A new topic, or a topic’s new name.',
    additionalProperties: false,
    examples: [{ name: 'Billing' }],
  },
)
export type FaqTopicInput = Static<typeof FaqTopicInputSchema>

export const FaqQuestionInputSchema = Type.Object(
  { question: Text(1000), answer: Text(50_000) },
  {
    $id: 'FaqQuestionInput',
    title: 'FaqQuestionInput',
    description: 'A new question and its answer.',
    additionalProperties: false,
    examples: [{ question: 'How do I reset my password?', answer: 'Use the link on the sign-in page.' }],
  },
)
export type FaqQuestionInput = Static<typeof FaqQuestionInputSchema>

export const FaqQuestionPatchSchema = Type.Object(
  { question: Type.Optional(Text(1000)), answer: Type.Optional(Text(50_000)) },
  {
    $id: 'FaqQuestionPatch',
    title: 'FaqQuestionPatch',
    description: 'The fields to change; at least one.',
    additionalProperties: false,
    minProperties: 1,
    examples: [{ answer: 'Use the “Forgot password” link.' }],
  },
)
export type FaqQuestionPatch = Static<typeof FaqQuestionPatchSchema>

export const FaqQuestionTopicsInputSchema = Type.Object(
  {
    topics: Type.Array(Type.String({ pattern: idPattern('faqTopic') }), {
      minItems: 1,
      maxItems: 50,
      uniqueItems: true,
      description: 'Topics of the same FAQ the question is to be in; replaces the current set.',
    }),
  },
  {
    $id: 'FaqQuestionTopicsInput',
    title: 'FaqQuestionTopicsInput',
    description: 'The topics a question is to be in.',
    additionalProperties: false,
    examples: [{ topics: [exampleId('faqTopic', '3249', '12', '31')] }],
  },
)
export type FaqQuestionTopicsInput = Static<typeof FaqQuestionTopicsInputSchema>

export const FaqQuestionTopicsSchema = Type.Object(
  {
    question: Type.Unsafe<FaqQuestion>({ $ref: 'FaqQuestion#' }),
    topics: Type.Array(Type.Unsafe<FaqTopic>({ $ref: 'FaqTopic#' }), {
      description: 'The topics the question is in now.',
    }),
  },
  {
    $id: 'FaqQuestionTopics',
    title: 'FaqQuestionTopics',
    description: 'A question and the topics it is in now.',
    additionalProperties: false,
    examples: [{ question: QUESTION_EXAMPLE, topics: [TOPIC_EXAMPLE] }],
  },
)
export type FaqQuestionTopics = Static<typeof FaqQuestionTopicsSchema>
