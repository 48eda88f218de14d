/** Questions of an FAQ topic. */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import {
  FaqQuestionInputSchema,
  FaqQuestionListSchema,
  FaqQuestionPatchSchema,
  FaqQuestionSchema,
  FaqQuestionTopicsInputSchema,
  FaqQuestionTopicsSchema,
  type FaqQuestionInput,
  type FaqQuestionPatch,
  type FaqQuestionTopicsInput,
} from '../../schemas/faq.js'
import { ref } from '../../schemas/ref.js'
import { IdempotencyHeaders } from '../../schemas/idempotency.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import { IdOf, pageQuery } from '../../schemas/snappy-common.js'
import { slicePage } from '../../cursor.js'
import { questionOf, topicOf, topicsOfSameFaq } from './resolve.js'

const TopicParams = Type.Object(
  { topicId: IdOf('faqTopic', 'An FAQ topic id (`ftop_…`).') },
  { additionalProperties: false },
)
const QuestionParams = Type.Object(
  { questionId: IdOf('faqQuestion', 'An FAQ question id (`fqst_…`).') },
  { additionalProperties: false },
)
const ListQuery = Type.Object(pageQuery, { additionalProperties: false })
const PROBLEMS = problemResponses(...UPSTREAM_PROBLEMS, 404, 405)
type QuestionP = Static<typeof QuestionParams>

export default async function faqQuestionRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: Static<typeof TopicParams>; Querystring: Static<typeof ListQuery> }>(
    '/v1/faq-topics/:topicId/questions',
    {
      schema: {
        operationId: 'listFaqQuestions',
        summary: 'List a topic’s questions',
        description: 'Questions with their answers (also rendered as HTML when Snappy sends it).',
        tags: ['FAQs'],
        params: TopicParams,
        querystring: ListQuery,
        response: { 200: ref(FaqQuestionListSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const { adapter, at } = topicOf(app, request, request.params.topicId)
      return slicePage(await adapter.faqs.questions(at), 'faq-questions', request.query.cursor, request.query.limit)
    },
  )

  app.post<{ Params: Static<typeof TopicParams>; Body: FaqQuestionInput }>(
    '/v1/faq-topics/:topicId/questions',
    {
      schema: {
        operationId: 'createFaqQuestion',
        summary: 'Create a question',
        description: 'Adds a question and its answer to the topic. Answers 201 with the question.',
        tags: ['FAQs'],
        headers: IdempotencyHeaders,
        params: TopicParams,
        body: ref(FaqQuestionInputSchema),
        response: { 201: ref(FaqQuestionSchema), ...PROBLEMS, ...WRITE_RESPONSES, ...problemResponses(409) },
      },
      config: { idempotent: true },
    },
    async (request, reply) => {
      const { adapter, at } = topicOf(app, request, request.params.topicId)
      const question = await adapter.faqs.createQuestion(at, request.body)
      return reply.code(201).header('location', `/v1/faq-questions/${question.id}`).send(question)
    },
  )

  app.get<{ Params: QuestionP }>(
    '/v1/faq-questions/:questionId',
    {
      schema: {
        operationId: 'getFaqQuestion',
        summary: 'Get a question',
        description: 'One question of a topic.',
        tags: ['FAQs'],
        params: QuestionParams,
        response: { 200: ref(FaqQuestionSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const { adapter, at, question } = questionOf(app, request, request.params.questionId)
      return adapter.faqs.question(at, question)
    },
  )

  app.patch<{ Params: QuestionP; Body: FaqQuestionPatch }>(
    '/v1/faq-questions/:questionId',
    {
      schema: {
        operationId: 'updateFaqQuestion',
        summary: 'Update a question',
        description: 'Changes the question or its answer.',
        tags: ['FAQs'],
        params: QuestionParams,
        body: ref(FaqQuestionPatchSchema),
        response: { 200: ref(FaqQuestionSchema), ...PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request) => {
      const { adapter, at, question } = questionOf(app, request, request.params.questionId)
      return adapter.faqs.updateQuestion(at, question, request.body)
    },
  )

  app.delete<{ Params: QuestionP }>(
    '/v1/faq-questions/:questionId',
    {
      schema: {
        operationId: 'deleteFaqQuestion',
        summary: 'Delete a question',
        description: 'Deletes the question from the FAQ.',
        tags: ['FAQs'],
        params: QuestionParams,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request, reply) => {
      const { adapter, at, question } = questionOf(app, request, request.params.questionId)
      await adapter.faqs.removeQuestion(at, question)
      return reply.code(204).send()
    },
  )

  app.put<{ Params: QuestionP; Body: FaqQuestionTopicsInput }>(
    '/v1/faq-questions/:questionId/topics',
    {
      schema: {
        operationId: 'setFaqQuestionTopics',
        summary: 'Set the topics a question is in',
        description:
          'Replaces the question’s topics with topics of the same FAQ. Its id afterwards names the first of them.',
        tags: ['FAQs'],
        params: QuestionParams,
        body: ref(FaqQuestionTopicsInputSchema),
        response: { 200: ref(FaqQuestionTopicsSchema), ...PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request) => {
      const { adapter, at, question } = questionOf(app, request, request.params.questionId)
      const topics = topicsOfSameFaq(app, request, request.body.topics, adapter, at)
      return adapter.faqs.setQuestionTopics(at, question, topics)
    },
  )
}
