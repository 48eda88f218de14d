/**
 * FAQ shapes. Topics and questions follow the object shapes known from client fixtures;
 * the FAQ itself is its request fields plus the usual columns.
 */
import type { FaqRecord, QuestionRecord, TopicRecord } from '../store/records.js'
import { renderStaffHtml } from '../text.js'
import { sqlTime } from '../../../upstreams/snappy/wire.js'

export function faqJson(faq: FaqRecord) {
  return {
    id: faq.id,
    account_id: faq.accountId,
    title: faq.title,
    url: faq.url,
    created_at: sqlTime(faq.createdAt),
    updated_at: sqlTime(faq.updatedAt),
  }
}

export function topicJson(topic: TopicRecord) {
  return {
    id: topic.id,
    faq_id: topic.faqId,
    topic: topic.topic,
    order: topic.order,
    created_at: sqlTime(topic.createdAt),
    updated_at: sqlTime(topic.updatedAt),
    slug: topic.slug,
  }
}

/** A search hit, exactly as the FAQ search example in the docs (no `parsed_answer`). */
export function questionHitJson(question: QuestionRecord) {
  return {
    id: question.id,
    account_id: question.accountId,
    question: question.question,
    answer: question.answer,
    created_at: sqlTime(question.createdAt),
    updated_at: sqlTime(question.updatedAt),
    active: question.active,
  }
}

/** A question from the CRUD routes: the hit plus the answer rendered as HTML. */
export function questionJson(question: QuestionRecord) {
  return { ...questionHitJson(question), parsed_answer: renderStaffHtml(question.answer) }
}
