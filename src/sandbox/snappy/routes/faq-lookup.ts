/** Resolves the FAQ → topic → question chain of a route, answering 404 at the first miss. */
import type { FastifyRequest } from 'fastify'
import type { SnappyStore } from '../store/index.js'
import type { FaqRecord, QuestionRecord, TopicRecord } from '../store/records.js'
import { requireAccount, requireRecord, type Caller } from './context.js'

export function requireFaq(
  store: SnappyStore,
  request: FastifyRequest,
  params: { id: string; faq: string },
): Caller & { faq: FaqRecord } {
  const caller = requireAccount(store, request, params.id)
  const faq = requireRecord(store.faqs.faqs, params.faq, (f) => f.accountId === caller.account.id, 'faq')
  return { ...caller, faq }
}

export function requireTopic(
  store: SnappyStore,
  request: FastifyRequest,
  params: { id: string; faq: string; topic: string },
): Caller & { faq: FaqRecord; topic: TopicRecord } {
  const found = requireFaq(store, request, params)
  const topic = requireRecord(store.faqs.topics, params.topic, (t) => t.faqId === found.faq.id, 'topic')
  return { ...found, topic }
}

export function requireQuestion(
  store: SnappyStore,
  request: FastifyRequest,
  params: { id: string; faq: string; topic: string; question: string },
): Caller & { faq: FaqRecord; topic: TopicRecord; question: QuestionRecord } {
  const found = requireTopic(store, request, params)
  const question = requireRecord(
    store.faqs.questions,
    params.question,
    (q) => q.topicIds.includes(found.topic.id),
    'question',
  )
  return { ...found, question }
}
