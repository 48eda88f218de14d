import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSnappy, type Running } from './helpers.js'

interface Faq {
  id: number
  title: string
  url: string
}
interface Topic {
  id: number
  faq_id: number
  topic: string
  order: number
  slug: string
}
interface Question {
  id: number
  question: string
  answer: string
  parsed_answer: string
  topics?: Topic[]
}

let s: Running
let faq: Faq
let topic: Topic
beforeEach(async () => {
  s = await startSnappy()
  faq = (await s.api('GET', '/account/3249/faqs')).json<Faq[]>()[0] as Faq
  topic = (await s.api('GET', `/account/3249/faqs/${faq.id}/topics`)).json<Topic[]>()[0] as Topic
})
afterEach(async () => {
  await s.sim.close()
})

const topicsPath = () => `/account/3249/faqs/${faq.id}/topics`
const questionsPath = () => `${topicsPath()}/${topic.id}/questions`

describe('GET /account/{id}/faqs/search', () => {
  it('answers meta and the matching questions in the documented shape', async () => {
    const body = (await s.api('GET', '/account/3088/faqs/search?query=ACCOUNT&page=1')).json<{
      meta: unknown
      data: Record<string, unknown>[]
    }>()
    expect(body.meta).toEqual({ total: 2, page: 1 })
    expect(Object.keys(body.data[0] ?? {})).toEqual([
      'id',
      'account_id',
      'question',
      'answer',
      'created_at',
      'updated_at',
      'active',
    ])
    expect(body.data[0]?.question).toBe('How do I transfer account ownership?')
  })
})

describe('FAQs', () => {
  it("lists the account's FAQs", async () => {
    const faqs = (await s.api('GET', '/account/3249/faqs')).json<Faq[]>()
    expect(faqs).toMatchObject([{ title: 'Western Cape Labs Help', url: 'help' }])
  })

  it('creates an FAQ from title and url', async () => {
    const res = await s.api('POST', '/account/3249/faqs', { json: { title: 'My FAQ', url: 'faq' } })
    expect(res.json()).toMatchObject({ account_id: 3249, title: 'My FAQ', url: 'faq' })
    expect((await s.api('GET', '/account/3249/faqs')).json<Faq[]>()).toHaveLength(2)
  })

  it('answers 422 for an FAQ without a title', async () => {
    const res = await s.api('POST', '/account/3249/faqs', { json: { url: 'faq' } })
    expect(res.json()).toEqual({ title: ['The title field is required.'] })
  })

  it('updates an FAQ', async () => {
    const res = await s.api('PUT', `/account/3249/faqs/${faq.id}`, {
      json: { title: 'Help Centre', url: 'help-centre' },
    })
    expect(res.json()).toMatchObject({ id: faq.id, title: 'Help Centre', url: 'help-centre' })
  })

  it('deletes an FAQ with its topics', async () => {
    expect((await s.api('DELETE', `/account/3249/faqs/${faq.id}`)).json()).toMatchObject({ id: faq.id })
    expect((await s.api('GET', '/account/3249/faqs')).json()).toEqual([])
    expect((await s.api('GET', topicsPath())).status).toBe(404)
  })
})

describe('FAQ topics', () => {
  it('lists topics in order with their slugs', async () => {
    const topics = (await s.api('GET', topicsPath())).json<Topic[]>()
    expect(topics.map((t) => [t.topic, t.order, t.slug])).toEqual([
      ['Getting started', 1, 'getting-started'],
      ['Billing & invoices', 2, 'billing-invoices'],
    ])
  })

  it('creates a topic at the end', async () => {
    const res = await s.api('POST', topicsPath(), { json: { topic: 'Über uns' } })
    expect(res.json()).toMatchObject({ faq_id: faq.id, topic: 'Über uns', order: 3, slug: 'uber-uns' })
  })

  it('renames a topic', async () => {
    const res = await s.api('PUT', `${topicsPath()}/${topic.id}`, { form: 'topic=First+steps' })
    expect(res.json()).toMatchObject({ id: topic.id, topic: 'First steps', slug: 'first-steps' })
  })

  it('deletes a topic and the questions left without one', async () => {
    const before = s.sim.store.faqs.questionsOfTopic(topic.id)
    const shared = before.filter((q) => q.topicIds.length > 1).map((q) => q.id)
    expect((await s.api('DELETE', `${topicsPath()}/${topic.id}`)).status).toBe(200)
    expect(s.sim.store.faqs.questions.filter((q) => before.some((b) => b.id === q.id)).map((q) => q.id)).toEqual(shared)
  })
})

describe('FAQ questions', () => {
  it("lists a topic's questions with the answer rendered", async () => {
    const questions = (await s.api('GET', questionsPath())).json<Question[]>()
    expect(questions.map((q) => q.question)).toContain('How do I reset my password?')
    expect(questions[0]?.parsed_answer).toMatch(/^<p>/)
  })

  it('creates a question in the topic', async () => {
    const res = await s.api('POST', questionsPath(), { json: { question: 'My question.', answer: 'My answer.' } })
    expect(res.json()).toMatchObject({
      question: 'My question.',
      answer: 'My answer.',
      active: 1,
      parsed_answer: '<p>My answer.</p>\n',
    })
  })

  it('answers 422 for a question without an answer', async () => {
    const res = await s.api('POST', questionsPath(), { json: { question: 'Half?' } })
    expect(res.json()).toEqual({ answer: ['The answer field is required.'] })
  })

  it('updates a question', async () => {
    const [question] = (await s.api('GET', questionsPath())).json<Question[]>()
    const res = await s.api('PUT', `${questionsPath()}/${question?.id}`, { json: { answer: 'New answer' } })
    expect(res.json()).toMatchObject({ id: question?.id, question: question?.question, answer: 'New answer' })
  })

  it('deletes a question', async () => {
    const [question] = (await s.api('GET', questionsPath())).json<Question[]>()
    expect((await s.api('DELETE', `${questionsPath()}/${question?.id}`)).status).toBe(200)
    expect((await s.api('GET', questionsPath())).json<Question[]>().map((q) => q.id)).not.toContain(question?.id)
  })

  it('moves a question to other topics', async () => {
    const [question] = (await s.api('GET', questionsPath())).json<Question[]>()
    const other = (await s.api('GET', topicsPath())).json<Topic[]>()[1] as Topic
    const res = await s.api('PUT', `${questionsPath()}/${question?.id}/topics`, { json: { topics: [other.id] } })
    expect(res.json<Question>().topics?.map((t) => t.id)).toEqual([other.id])
    expect((await s.api('GET', `${topicsPath()}/${other.id}/questions`)).json<Question[]>().map((q) => q.id)).toContain(
      question?.id,
    )
    expect((await s.api('GET', questionsPath())).json<Question[]>().map((q) => q.id)).not.toContain(question?.id)
  })

  it('answers 422 for topics outside the FAQ', async () => {
    const [question] = (await s.api('GET', questionsPath())).json<Question[]>()
    const res = await s.api('PUT', `${questionsPath()}/${question?.id}/topics`, {
      json: { topics: [topic.id, 999999] },
    })
    expect(res.json()).toEqual({ topics: ['The selected topics is invalid.'] })
  })
})
