/** Resolves the FAQ → topic → question chain of a route, answering 404 at the first miss. */
import type { FastifyRequest } from 'fastify'
import { NotFoundError } from '../errors.js'
import type { SnappyStore } from '../store/index.js'
import type { FaqRecord, QuestionRecord, TopicRecord } from '../store/records.js'
import { parseId, requireAccount, type Caller } from './context.js'

export function requireFaq(store: SnappyStore, request: FastifyRequest, params: { id: string; faq: string }): Caller & { faq: FaqRecord } {
  const caller = requireAccount(store, request, params.id)
  const id = parseId(params.faq)
  const faq = id === undefined ? undefined : store.faqs.faqs.get(id)
  if (faq === undefined || faq.accountId !== caller.account.id) throw new NotFoundError('faq')
  return { ...caller, faq }
}

export function requireTopic(
  store: SnappyStore,
  request: FastifyRequest,
  params: { id: string; faq: string; topic: string },
): Caller & { faq: FaqRecord; topic: TopicRecord } {
  const found = requireFaq(store, request, params)
  const id = parseId(params.topic)
  const topic = id === undefined ? undefined : store.faqs.topics.get(id)
  if (topic === undefined || topic.faqId !== found.faq.id) throw new NotFoundError('topic')
  return { ...found, topic }
}

export function requireQuestion(
  store: SnappyStore,
  request: FastifyRequest,
  params: { id: string; faq: string; topic: string; question: string },
): Caller & { faq: FaqRecord; topic: TopicRecord; question: QuestionRecord } {
  const found = requireTopic(store, request, params)
  const id = parseId(params.question)
  const question = id === undefined ? undefined : store.faqs.questions.get(id)
  if (question === undefined || !question.topicIds.includes(found.topic.id)) throw new NotFoundError('question')
  return { ...found, question }
}
