/** FAQs, topics, questions and search hits. Ids nest: a topic names its FAQ, a question its FAQ and topic. */
import { encodeId } from '../../../ids.js'
import type { Faq, FaqQuestion, FaqSearchHit, FaqTopic } from '../../../schemas/faq.js'
import { asObject, idOf, optionalFlag, optionalInteger, optionalString, requiredTime } from '../codec.js'
import { accountId, snappyId, timeOr } from './directory.js'

const faqId = (connection: string, account: string, faq: string) =>
  encodeId('faq', snappyId(connection, [account, faq]))
const faqTopicId = (connection: string, account: string, faq: string, topic: string) =>
  encodeId('faqTopic', snappyId(connection, [account, faq, topic]))
const faqQuestionId = (connection: string, account: string, faq: string, topic: string, question: string) =>
  encodeId('faqQuestion', snappyId(connection, [account, faq, topic, question]))

export function toFaq(value: unknown, connection: string, account: string): Faq {
  const f = asObject(value, 'faq')
  const remoteId = idOf(f.id, 'faq id')
  const owner = idOf(f.account_id ?? account, 'faq account_id')
  const createdAt = requiredTime(f.created_at, 'faq created_at')
  return {
    id: faqId(connection, owner, remoteId),
    source: 'snappy',
    connection,
    remoteId,
    accountId: accountId(connection, owner),
    title: optionalString(f.title, 'faq title') ?? '',
    url: optionalString(f.url, 'faq url'),
    createdAt,
    updatedAt: timeOr(f.updated_at, 'faq updated_at', createdAt),
  }
}

export function toFaqTopic(value: unknown, connection: string, account: string, faq: string): FaqTopic {
  const t = asObject(value, 'faq topic')
  const remoteId = idOf(t.id, 'topic id')
  const owner = idOf(t.faq_id ?? faq, 'topic faq_id')
  const createdAt = requiredTime(t.created_at, 'topic created_at')
  return {
    id: faqTopicId(connection, account, owner, remoteId),
    source: 'snappy',
    connection,
    remoteId,
    faqId: faqId(connection, account, owner),
    name: optionalString(t.topic, 'topic') ?? '',
    order: optionalInteger(t.order, 'topic order'),
    slug: optionalString(t.slug, 'topic slug'),
    createdAt,
    updatedAt: timeOr(t.updated_at, 'topic updated_at', createdAt),
  }
}

/** A question as reached through `topic` of `faq` (a question may be in several topics). */
export function toFaqQuestion(
  value: unknown,
  connection: string,
  account: string,
  faq: string,
  topic: string,
): FaqQuestion {
  const q = asObject(value, 'faq question')
  const remoteId = idOf(q.id, 'question id')
  const createdAt = requiredTime(q.created_at, 'question created_at')
  return {
    id: faqQuestionId(connection, account, faq, topic, remoteId),
    source: 'snappy',
    connection,
    remoteId,
    accountId: accountId(connection, account),
    faqId: faqId(connection, account, faq),
    topicId: faqTopicId(connection, account, faq, topic),
    question: optionalString(q.question, 'question') ?? '',
    answer: optionalString(q.answer, 'answer') ?? '',
    answerHtml: optionalString(q.parsed_answer, 'parsed_answer'),
    active: optionalFlag(q.active, 'question active') ?? true,
    createdAt,
    updatedAt: timeOr(q.updated_at, 'question updated_at', createdAt),
  }
}

export function toFaqSearchHit(value: unknown, connection: string, account: string): FaqSearchHit {
  const q = asObject(value, 'faq search hit')
  const createdAt = requiredTime(q.created_at, 'question created_at')
  return {
    remoteId: idOf(q.id, 'question id'),
    accountId: accountId(connection, idOf(q.account_id ?? account, 'question account_id')),
    question: optionalString(q.question, 'question') ?? '',
    answer: optionalString(q.answer, 'answer') ?? '',
    active: optionalFlag(q.active, 'question active') ?? true,
    createdAt,
    updatedAt: timeOr(q.updated_at, 'question updated_at', createdAt),
  }
}
