/**
 * FAQs, their topics and questions, and FAQ search. Snappy has no single-record reads for
 * them, so one record is found in its (cached) list. Updates are sent as whole records
 * (`PUT`), merging the change into what is stored. Every FAQ write invalidates the
 * account's FAQ reads, search included.
 */
import type {
  Faq,
  FaqInput,
  FaqPatch,
  FaqQuestion,
  FaqQuestionInput,
  FaqQuestionPatch,
  FaqSearchHit,
  FaqTopic,
} from '../../schemas/faq.js'
import { asArray, asObject, isObject, optionalInteger } from './codec.js'
import { toFaq, toFaqQuestion, toFaqSearchHit, toFaqTopic } from './mapping/faqs.js'
import { SnappyResource, answerAs, found, newest, num } from './resource.js'
import { SNAPPY_PATHS } from './wire.js'

export interface FaqSearchPage {
  items: FaqSearchHit[]
  total: number
  page: number
}

/** Where a question is reached: account, FAQ and topic. */
export interface TopicPath {
  account: string
  faq: string
  topic: string
}

/** "My FAQ" → "my-faq", the `url` Snappy expects next to a title. */
function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
  return slug === '' ? 'faq' : slug
}

export class SnappyFaqs extends SnappyResource {
  async search(account: string, query: string, page = 1): Promise<FaqSearchPage> {
    return this.read(SNAPPY_PATHS.faqSearch.path({ id: num(account) }), {
      kind: 'list',
      tags: [`faqs:${account}`],
      query: { query, page },
      map: (json) => {
        const body = asObject(json, 'faq search answer')
        const meta = isObject(body.meta) ? body.meta : {}
        const items = asArray(body.data, 'faq search data').map((q) => toFaqSearchHit(q, this.connection, account))
        return {
          items,
          total: optionalInteger(meta.total, 'meta total') ?? items.length,
          page: optionalInteger(meta.page, 'meta page') ?? page,
        }
      },
    })
  }

  list(account: string): Promise<Faq[]> {
    return this.readList(SNAPPY_PATHS.faqs.path({ id: num(account) }), [`faqs:${account}`], 'faqs', (f) =>
      toFaq(f, this.connection, account),
    )
  }

  async get(account: string, faq: string): Promise<Faq> {
    return found(await this.list(account), faq, this.connection, 'FAQ')
  }

  async create(account: string, input: FaqInput): Promise<Faq> {
    const res = await this.send(
      'POST',
      SNAPPY_PATHS.faqs.path({ id: num(account) }),
      { title: input.title, url: input.url ?? slugify(input.title) },
      [`faqs:${account}`],
    )
    return (
      answerAs(res, (json) => toFaq(json, this.connection, account)) ??
      newest(
        (await this.list(account)).filter((f) => f.title === input.title),
        this.connection,
        'the new FAQ',
      )
    )
  }

  async update(account: string, faq: string, patch: FaqPatch): Promise<Faq> {
    // Snappy takes whole records: the stored one is read only for the fields the patch leaves out.
    const body =
      patch.title !== undefined && patch.url !== undefined
        ? { title: patch.title, url: patch.url }
        : await this.get(account, faq).then((current) => ({
            title: patch.title ?? current.title,
            url: patch.url ?? current.url ?? slugify(patch.title ?? current.title),
          }))
    const res = await this.send('PUT', SNAPPY_PATHS.faq.path({ id: num(account), faq: num(faq) }), body, [
      `faqs:${account}`,
    ])
    return answerAs(res, (json) => toFaq(json, this.connection, account)) ?? this.get(account, faq)
  }

  async remove(account: string, faq: string): Promise<void> {
    await this.send('DELETE', SNAPPY_PATHS.faq.path({ id: num(account), faq: num(faq) }), undefined, [
      `faqs:${account}`,
    ])
  }

  topics(account: string, faq: string): Promise<FaqTopic[]> {
    return this.readList(
      SNAPPY_PATHS.faqTopics.path({ id: num(account), faq: num(faq) }),
      [`faqs:${account}`],
      'topics',
      (t) => toFaqTopic(t, this.connection, account, faq),
    )
  }

  async topic(account: string, faq: string, topic: string): Promise<FaqTopic> {
    return found(await this.topics(account, faq), topic, this.connection, 'FAQ topic')
  }

  async createTopic(account: string, faq: string, name: string): Promise<FaqTopic> {
    const res = await this.send(
      'POST',
      SNAPPY_PATHS.faqTopics.path({ id: num(account), faq: num(faq) }),
      { topic: name },
      [`faqs:${account}`],
    )
    return (
      answerAs(res, (json) => toFaqTopic(json, this.connection, account, faq)) ??
      newest(
        (await this.topics(account, faq)).filter((t) => t.name === name),
        this.connection,
        'the new topic',
      )
    )
  }

  async updateTopic(at: TopicPath, name: string): Promise<FaqTopic> {
    const res = await this.send('PUT', SNAPPY_PATHS.faqTopic.path(topicParams(at)), { topic: name }, [
      `faqs:${at.account}`,
    ])
    return (
      answerAs(res, (json) => toFaqTopic(json, this.connection, at.account, at.faq)) ??
      this.topic(at.account, at.faq, at.topic)
    )
  }

  async removeTopic(at: TopicPath): Promise<void> {
    await this.send('DELETE', SNAPPY_PATHS.faqTopic.path(topicParams(at)), undefined, [`faqs:${at.account}`])
  }

  questions(at: TopicPath): Promise<FaqQuestion[]> {
    return this.readList(SNAPPY_PATHS.faqQuestions.path(topicParams(at)), [`faqs:${at.account}`], 'questions', (q) =>
      toFaqQuestion(q, this.connection, at.account, at.faq, at.topic),
    )
  }

  async question(at: TopicPath, question: string): Promise<FaqQuestion> {
    return found(await this.questions(at), question, this.connection, 'FAQ question')
  }

  async createQuestion(at: TopicPath, input: FaqQuestionInput): Promise<FaqQuestion> {
    const res = await this.send(
      'POST',
      SNAPPY_PATHS.faqQuestions.path(topicParams(at)),
      { question: input.question, answer: input.answer },
      [`faqs:${at.account}`],
    )
    return (
      answerAs(res, (json) => toFaqQuestion(json, this.connection, at.account, at.faq, at.topic)) ??
      newest(
        (await this.questions(at)).filter((q) => q.question === input.question),
        this.connection,
        'the new question',
      )
    )
  }

  async updateQuestion(at: TopicPath, question: string, patch: FaqQuestionPatch): Promise<FaqQuestion> {
    const body =
      patch.question !== undefined && patch.answer !== undefined
        ? { question: patch.question, answer: patch.answer }
        : await this.question(at, question).then((current) => ({
            question: patch.question ?? current.question,
            answer: patch.answer ?? current.answer,
          }))
    const res = await this.send(
      'PUT',
      SNAPPY_PATHS.faqQuestion.path({ ...topicParams(at), question: num(question) }),
      body,
      [`faqs:${at.account}`],
    )
    return (
      answerAs(res, (json) => toFaqQuestion(json, this.connection, at.account, at.faq, at.topic)) ??
      this.question(at, question)
    )
  }

  async removeQuestion(at: TopicPath, question: string): Promise<void> {
    await this.send(
      'DELETE',
      SNAPPY_PATHS.faqQuestion.path({ ...topicParams(at), question: num(question) }),
      undefined,
      [`faqs:${at.account}`],
    )
  }

  /**
   * Moves a question to `topics` (ids of the same FAQ). It answers the question as reached
   * through the first of them, and the topics it is in now.
   */
  async setQuestionTopics(
    at: TopicPath,
    question: string,
    topics: string[],
  ): Promise<{ question: FaqQuestion; topics: FaqTopic[] }> {
    const res = await this.send(
      'PUT',
      SNAPPY_PATHS.faqQuestionTopics.path({ ...topicParams(at), question: num(question) }),
      { topics: topics.map((t) => Number(num(t))) },
      [`faqs:${at.account}`],
    )
    const first = topics[0] as string
    const now: TopicPath = { ...at, topic: first }
    const moved =
      answerAs(res, (json) => toFaqQuestion(json, this.connection, at.account, at.faq, first)) ??
      (await this.question(now, question))
    // The answer may list the topics the question is in now; only without them is the list read.
    const answered = answerAs(res, (json) => {
      const listed = asObject(json, 'question').topics
      return listed === undefined
        ? undefined
        : asArray(listed, 'topics').map((t) => toFaqTopic(t, this.connection, at.account, at.faq))
    })
    const all = answered ?? (await this.topics(at.account, at.faq))
    return { question: moved, topics: all.filter((t) => topics.includes(t.remoteId)) }
  }
}

/** The checked ids of a topic's path. */
function topicParams(at: TopicPath): { id: string; faq: string; topic: string } {
  return { id: num(at.account), faq: num(at.faq), topic: num(at.topic) }
}
