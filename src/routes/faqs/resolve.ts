/** FAQ, topic and question ids: [account, faq], [account, faq, topic], [account, faq, topic, question]. */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { invalidField } from '../../errors.js'
import type { SnappyAdapter } from '../../upstreams/snappy/adapter.js'
import type { TopicPath } from '../../upstreams/snappy/faqs.js'

export function faqOf(
  app: FastifyInstance,
  request: FastifyRequest,
  id: string,
): { adapter: SnappyAdapter; account: string; faq: string } {
  const { adapter, parts } = request.resolveSnappyId('faq', id, 2)
  const [account, faq] = parts as [string, string]
  return { adapter, account, faq }
}

export function topicOf(
  app: FastifyInstance,
  request: FastifyRequest,
  id: string,
): { adapter: SnappyAdapter; at: TopicPath } {
  const { adapter, parts } = request.resolveSnappyId('faqTopic', id, 3)
  const [account, faq, topic] = parts as [string, string, string]
  return { adapter, at: { account, faq, topic } }
}

export function questionOf(
  app: FastifyInstance,
  request: FastifyRequest,
  id: string,
): { adapter: SnappyAdapter; at: TopicPath; question: string } {
  const { adapter, parts } = request.resolveSnappyId('faqQuestion', id, 4)
  const [account, faq, topic, question] = parts as [string, string, string, string]
  return { adapter, at: { account, faq, topic }, question }
}

/** Topic ids given for a question must be topics of the question's FAQ. */
export function topicsOfSameFaq(
  app: FastifyInstance,
  request: FastifyRequest,
  ids: string[],
  adapter: SnappyAdapter,
  at: TopicPath,
): string[] {
  return ids.map((id, i) => {
    const topic = topicOf(app, request, id)
    if (topic.adapter !== adapter || topic.at.account !== at.account || topic.at.faq !== at.faq) {
      throw invalidField(`body/topics/${i}`, 'not a topic of this FAQ', 'Every topic must belong to the question’s FAQ')
    }
    return topic.at.topic
  })
}
