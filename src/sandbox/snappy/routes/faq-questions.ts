/**
 * FAQ questions under a topic. Writes answer the question as stored; a deletion answers it
 * as it was; re-topicking answers the question with a `topics` list of the topics it is now
 * attached to.
 */
import type { FastifyInstance } from 'fastify'
import { SNAPPY_PATHS } from '../../../upstreams/snappy/wire.js'
import { bodyOf, Fields } from '../body.js'
import { questionJson, topicJson } from '../serialize/faqs.js'
import type { RouteContext } from './context.js'
import { requireQuestion, requireTopic } from './faq-lookup.js'

type TopicParams = { Params: { id: string; faq: string; topic: string } }
type QuestionParams = { Params: { id: string; faq: string; topic: string; question: string } }

export function faqQuestionRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get<TopicParams>(SNAPPY_PATHS.faqQuestions.pattern, async (request) => {
    const { topic } = requireTopic(store, request, request.params)
    return store.faqs.questionsOfTopic(topic.id).map(questionJson)
  })

  app.post<TopicParams>(SNAPPY_PATHS.faqQuestions.pattern, async (request) => {
    const { topic } = requireTopic(store, request, request.params)
    const fields = new Fields(bodyOf(request))
    const question = fields.string('question', { required: true, nonEmpty: true })
    const answer = fields.string('answer', { required: true, nonEmpty: true })
    fields.check()
    return questionJson(
      store.faqs.createQuestion({ topicIds: [topic.id], question: question as string, answer: answer as string }),
    )
  })

  app.put<QuestionParams>(SNAPPY_PATHS.faqQuestion.pattern, async (request) => {
    const { question } = requireQuestion(store, request, request.params)
    const fields = new Fields(bodyOf(request))
    const text = fields.string('question', { nonEmpty: true })
    const answer = fields.string('answer', { nonEmpty: true })
    fields.check()
    store.faqs.updateQuestion(question.id, { question: text, answer })
    return questionJson(question)
  })

  app.put<QuestionParams>(SNAPPY_PATHS.faqQuestionTopics.pattern, async (request) => {
    const { faq, question } = requireQuestion(store, request, request.params)
    const fields = new Fields(bodyOf(request))
    const list = fields.list('topics', { required: true })
    const ids = (list ?? []).map((v) =>
      typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN,
    )
    if (list !== undefined && (ids.length === 0 || !store.faqs.topicsBelong(faq.id, ids))) {
      if (ids.length === 0) fields.required('topics')
      else fields.invalid('topics')
    }
    fields.check()
    store.faqs.setQuestionTopics(question.id, ids)
    return {
      ...questionJson(question),
      topics: question.topicIds.flatMap((id) => store.faqs.topics.get(id) ?? []).map(topicJson),
    }
  })

  app.delete<QuestionParams>(SNAPPY_PATHS.faqQuestion.pattern, async (request) => {
    const { question } = requireQuestion(store, request, request.params)
    const answer = questionJson(question)
    store.faqs.deleteQuestion(question.id)
    return answer
  })
}
