/** FAQ topics. Writes answer the topic as stored; a deletion answers it as it was. */
import type { FastifyInstance } from 'fastify'
import { SNAPPY_PATHS } from '../../../upstreams/snappy/wire.js'
import { bodyOf, Fields } from '../body.js'
import { topicJson } from '../serialize/faqs.js'
import type { RouteContext } from './context.js'
import { requireFaq, requireTopic } from './faq-lookup.js'

type FaqParams = { Params: { id: string; faq: string } }
type TopicParams = { Params: { id: string; faq: string; topic: string } }

export function faqTopicRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get<FaqParams>(SNAPPY_PATHS.faqTopics.pattern, async (request) => {
    const { faq } = requireFaq(store, request, request.params)
    return store.faqs.topicsOf(faq.id).map(topicJson)
  })

  app.post<FaqParams>(SNAPPY_PATHS.faqTopics.pattern, async (request) => {
    const { faq } = requireFaq(store, request, request.params)
    const fields = new Fields(bodyOf(request))
    const topic = fields.string('topic', { required: true, nonEmpty: true })
    fields.check()
    return topicJson(store.faqs.createTopic({ faqId: faq.id, topic: topic as string }))
  })

  app.put<TopicParams>(SNAPPY_PATHS.faqTopic.pattern, async (request) => {
    const { topic } = requireTopic(store, request, request.params)
    const fields = new Fields(bodyOf(request))
    const name = fields.string('topic', { required: true, nonEmpty: true })
    fields.check()
    store.faqs.updateTopic(topic.id, name as string)
    return topicJson(topic)
  })

  // Questions left without any topic are deleted with it.
  app.delete<TopicParams>(SNAPPY_PATHS.faqTopic.pattern, async (request) => {
    const { topic } = requireTopic(store, request, request.params)
    const answer = topicJson(topic)
    store.faqs.deleteTopic(topic.id)
    return answer
  })
}
