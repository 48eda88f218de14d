/** Topics of an FAQ. */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { FaqTopicInputSchema, FaqTopicListSchema, FaqTopicSchema, type FaqTopicInput } from '../../schemas/faq.js'
import { ref } from '../../schemas/ref.js'
import { IdempotencyHeaders } from '../../schemas/idempotency.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import { IdOf, pageQuery } from '../../schemas/snappy-common.js'
import { slicePage } from '../../cursor.js'
import { faqOf, topicOf } from './resolve.js'

const FaqParams = Type.Object({ faqId: IdOf('faq', 'An FAQ id (`faq_…`).') }, { additionalProperties: false })
const TopicParams = Type.Object(
  { topicId: IdOf('faqTopic', 'An FAQ topic id (`ftop_…`).') },
  { additionalProperties: false },
)
const ListQuery = Type.Object(pageQuery, { additionalProperties: false })
const PROBLEMS = problemResponses(...UPSTREAM_PROBLEMS, 404, 405)
type TopicP = Static<typeof TopicParams>

export default async function faqTopicRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: Static<typeof FaqParams>; Querystring: Static<typeof ListQuery> }>(
    '/v1/faqs/:faqId/topics',
    {
      schema: {
        operationId: 'listFaqTopics',
        summary: 'List an FAQ’s topics',
        description: 'The topics questions are grouped in.',
        tags: ['FAQs'],
        params: FaqParams,
        querystring: ListQuery,
        response: { 200: ref(FaqTopicListSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const { adapter, account, faq } = faqOf(app, request, request.params.faqId)
      return slicePage(await adapter.faqs.topics(account, faq), 'faq-topics', request.query.cursor, request.query.limit)
    },
  )

  app.post<{ Params: Static<typeof FaqParams>; Body: FaqTopicInput }>(
    '/v1/faqs/:faqId/topics',
    {
      schema: {
        operationId: 'createFaqTopic',
        summary: 'Create an FAQ topic',
        description: 'Answers 201 with the topic.',
        tags: ['FAQs'],
        headers: IdempotencyHeaders,
        params: FaqParams,
        body: ref(FaqTopicInputSchema),
        response: { 201: ref(FaqTopicSchema), ...PROBLEMS, ...WRITE_RESPONSES, ...problemResponses(409) },
      },
      config: { idempotent: true },
    },
    async (request, reply) => {
      const { adapter, account, faq } = faqOf(app, request, request.params.faqId)
      const topic = await adapter.faqs.createTopic(account, faq, request.body.name)
      return reply.code(201).header('location', `/v1/faq-topics/${topic.id}`).send(topic)
    },
  )

  app.get<{ Params: TopicP }>(
    '/v1/faq-topics/:topicId',
    {
      schema: {
        operationId: 'getFaqTopic',
        summary: 'Get an FAQ topic',
        description: 'One topic of an FAQ.',
        tags: ['FAQs'],
        params: TopicParams,
        response: { 200: ref(FaqTopicSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const { adapter, at } = topicOf(app, request, request.params.topicId)
      return adapter.faqs.topic(at.account, at.faq, at.topic)
    },
  )

  app.patch<{ Params: TopicP; Body: FaqTopicInput }>(
    '/v1/faq-topics/:topicId',
    {
      schema: {
        operationId: 'updateFaqTopic',
        summary: 'Rename an FAQ topic',
        description: 'Changes the topic’s name.',
        tags: ['FAQs'],
        params: TopicParams,
        body: ref(FaqTopicInputSchema),
        response: { 200: ref(FaqTopicSchema), ...PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request) => {
      const { adapter, at } = topicOf(app, request, request.params.topicId)
      return adapter.faqs.updateTopic(at, request.body.name)
    },
  )

  app.delete<{ Params: TopicP }>(
    '/v1/faq-topics/:topicId',
    {
      schema: {
        operationId: 'deleteFaqTopic',
        summary: 'Delete an FAQ topic',
        description: 'Deletes the topic; questions left in no topic go with it.',
        tags: ['FAQs'],
        params: TopicParams,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request, reply) => {
      const { adapter, at } = topicOf(app, request, request.params.topicId)
      await adapter.faqs.removeTopic(at)
      return reply.code(204).send()
    },
  )
}
