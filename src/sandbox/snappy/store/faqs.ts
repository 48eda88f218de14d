/**
 * FAQs, their topics and questions. A question belongs to an FAQ and is attached to one or
 * more of that FAQ's topics; it disappears when its last topic does.
 */
import { slugify } from '../text.js'
import type { Unix } from '../../../upstreams/snappy/wire.js'
import type { FaqRecord, QuestionRecord, TopicRecord } from './records.js'
import { Table } from './table.js'

export interface FaqInput {
  id?: number
  accountId: number
  title: string
  url?: string
  createdAt?: Unix
}
export interface TopicInput {
  id?: number
  faqId: number
  topic: string
  order?: number
  createdAt?: Unix
}
export interface QuestionInput {
  id?: number
  topicIds: number[]
  question: string
  answer: string
  active?: number
  createdAt?: Unix
}

export class FaqStore {
  readonly faqs = new Table<FaqRecord>(40)
  readonly topics = new Table<TopicRecord>(180)
  readonly questions = new Table<QuestionRecord>(900)
  readonly #now: () => Unix

  constructor(now: () => Unix) {
    this.#now = now
  }

  createFaq(input: FaqInput): FaqRecord {
    const at = input.createdAt ?? this.#now()
    return this.faqs.insert({
      id: this.faqs.takeId(input.id),
      accountId: input.accountId,
      title: input.title,
      url: input.url ?? slugify(input.title),
      createdAt: at,
      updatedAt: at,
    })
  }

  updateFaq(id: number, changes: { title?: string; url?: string }): FaqRecord | undefined {
    const faq = this.faqs.get(id)
    if (faq === undefined) return undefined
    Object.assign(faq, definedOnly(changes), { updatedAt: this.#now() })
    return faq
  }

  faqsOf(accountId: number): FaqRecord[] {
    return this.faqs.filter((f) => f.accountId === accountId)
  }

  /** Deletes the FAQ with its topics and questions. */
  deleteFaq(id: number): boolean {
    if (!this.faqs.delete(id)) return false
    for (const t of this.topicsOf(id)) this.topics.delete(t.id)
    for (const q of this.questions.filter((q) => q.faqId === id)) this.questions.delete(q.id)
    return true
  }

  createTopic(input: TopicInput): TopicRecord {
    if (this.faqs.get(input.faqId) === undefined) throw new Error(`no faq ${input.faqId}`)
    const at = input.createdAt ?? this.#now()
    const order = input.order ?? this.topicsOf(input.faqId).reduce((max, t) => Math.max(max, t.order), 0) + 1
    return this.topics.insert({
      id: this.topics.takeId(input.id),
      faqId: input.faqId,
      topic: input.topic,
      order,
      slug: slugify(input.topic),
      createdAt: at,
      updatedAt: at,
    })
  }

  updateTopic(id: number, topic: string): TopicRecord | undefined {
    const row = this.topics.get(id)
    if (row === undefined) return undefined
    Object.assign(row, { topic, slug: slugify(topic), updatedAt: this.#now() })
    return row
  }

  topicsOf(faqId: number): TopicRecord[] {
    return this.topics.filter((t) => t.faqId === faqId).sort((a, b) => a.order - b.order || a.id - b.id)
  }

  /** Deletes a topic; questions left without any topic go with it. */
  deleteTopic(id: number): boolean {
    if (!this.topics.delete(id)) return false
    for (const q of this.questions.filter((q) => q.topicIds.includes(id))) {
      q.topicIds = q.topicIds.filter((t) => t !== id)
      if (q.topicIds.length === 0) this.questions.delete(q.id)
    }
    return true
  }

  createQuestion(input: QuestionInput): QuestionRecord {
    const first = this.topics.get(input.topicIds[0] ?? -1)
    const faq = first === undefined ? undefined : this.faqs.get(first.faqId)
    if (first === undefined || faq === undefined) throw new Error('a question needs an existing topic')
    this.#checkTopics(faq.id, input.topicIds)
    const at = input.createdAt ?? this.#now()
    return this.questions.insert({
      id: this.questions.takeId(input.id),
      accountId: faq.accountId,
      faqId: faq.id,
      question: input.question,
      answer: input.answer,
      active: input.active ?? 1,
      topicIds: [...new Set(input.topicIds)],
      createdAt: at,
      updatedAt: at,
    })
  }

  updateQuestion(id: number, changes: { question?: string; answer?: string }): QuestionRecord | undefined {
    const row = this.questions.get(id)
    if (row === undefined) return undefined
    Object.assign(row, definedOnly(changes), { updatedAt: this.#now() })
    return row
  }

  /** Replaces the topics a question is attached to (all must belong to its FAQ). */
  setQuestionTopics(id: number, topicIds: number[]): QuestionRecord | undefined {
    const row = this.questions.get(id)
    if (row === undefined) return undefined
    this.#checkTopics(row.faqId, topicIds)
    row.topicIds = [...new Set(topicIds)]
    row.updatedAt = this.#now()
    return row
  }

  questionsOfTopic(topicId: number): QuestionRecord[] {
    return this.questions.filter((q) => q.topicIds.includes(topicId))
  }

  questionsOf(accountId: number): QuestionRecord[] {
    return this.questions.filter((q) => q.accountId === accountId)
  }

  deleteQuestion(id: number): boolean {
    return this.questions.delete(id)
  }

  /** True when every id names a topic of `faqId`. */
  topicsBelong(faqId: number, topicIds: number[]): boolean {
    return topicIds.length > 0 && topicIds.every((t) => this.topics.get(t)?.faqId === faqId)
  }

  #checkTopics(faqId: number, topicIds: number[]): void {
    if (!this.topicsBelong(faqId, topicIds)) throw new Error(`topics ${topicIds.join(',')} are not all in faq ${faqId}`)
  }
}

function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<T>
}
