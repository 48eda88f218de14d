import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeId } from '../../../src/ids.js'
import type { Faq, FaqQuestion, FaqQuestionTopics, FaqSearchResult, FaqTopic } from '../../../src/schemas/faq.js'
import type { RunningGateway } from '../../helpers/gateway.js'
import { CRM_KEY, PRAEKELT, WCL, batchbookId, call, snappyId, startSnappyGateway } from '../../upstreams/snappy/e2e.js'

let gw: RunningGateway
const store = () => gw.sandbox!.snappy.simulator.store
const stats = () => gw.sandbox!.snappy.simulator.stats
type List<T> = { data: T[]; nextCursor: string | null }

beforeAll(async () => {
  gw = await startSnappyGateway()
})
afterAll(async () => gw.close())

describe('FAQ search', () => {
  it('finds questions with the total and pages by page or cursor', async () => {
    const res = await call<FaqSearchResult>(gw, 'GET', `/v1/accounts/${WCL}/faqs/search?q=contact%20support`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ total: 1, page: 1, nextCursor: null })
    expect(res.body.data).toEqual([
      {
        remoteId: expect.any(String),
        accountId: WCL,
        question: 'How do I contact support?',
        answer: 'E-mail hello@wcldemo.besnappy.com or billing@wcldemo.besnappy.com for invoices.',
        active: true,
        createdAt: '2014-09-17T10:04:00.000Z',
        updatedAt: '2014-09-17T10:04:00.000Z',
      },
    ])
    const second = await call<FaqSearchResult>(gw, 'GET', `/v1/accounts/${PRAEKELT}/faqs/search?q=account&page=2`)
    expect(second.body).toMatchObject({ page: 2, data: [], nextCursor: null })
    expect(await call(gw, 'GET', `/v1/accounts/${WCL}/faqs/search`)).toMatchObject({ status: 400 })
    expect(await call(gw, 'GET', `/v1/accounts/${WCL}/faqs/search?q=x&cursor=e30`)).toMatchObject({
      status: 400,
      body: { code: 'invalid_cursor' },
    })
  })
})

describe('FAQs, topics and questions', () => {
  let faq: Faq
  let topic: FaqTopic
  let second: FaqTopic
  let question: FaqQuestion

  it('lists the seeded FAQ, its topics and their questions', async () => {
    const faqs = await call<List<Faq>>(gw, 'GET', `/v1/accounts/${WCL}/faqs`)
    expect(faqs.body.data).toMatchObject([{ title: 'Western Cape Labs Help', url: 'help', accountId: WCL }])
    const seeded = faqs.body.data[0]!
    expect(decodeId('faq', seeded.id, 2).parts).toEqual(['3249', seeded.remoteId])
    const topics = await call<List<FaqTopic>>(gw, 'GET', `/v1/faqs/${seeded.id}/topics`)
    expect(topics.body.data.map((t) => t.name)).toEqual(['Getting started', 'Billing & invoices'])
    expect(decodeId('faqTopic', topics.body.data[0]!.id, 3).parts).toEqual([
      '3249',
      seeded.remoteId,
      topics.body.data[0]!.remoteId,
    ])
    const questions = await call<List<FaqQuestion>>(gw, 'GET', `/v1/faq-topics/${topics.body.data[0]!.id}/questions`)
    expect(questions.body.data.map((q) => q.question)).toEqual([
      'How do I reset my password?',
      'Which browsers are supported?',
      'How do I contact support?',
    ])
    expect(questions.body.data[0]).toMatchObject({
      faqId: seeded.id,
      topicId: topics.body.data[0]!.id,
      active: true,
      answerHtml: expect.stringContaining('<p>'),
    })
  })

  it('creates, reads and updates an FAQ', async () => {
    const res = await call<Faq>(gw, 'POST', `/v1/accounts/${PRAEKELT}/faqs`, { json: { title: 'Réseau & Partners' } })
    expect(res.status).toBe(201)
    faq = res.body
    expect(faq).toMatchObject({ title: 'Réseau & Partners', url: 'reseau-partners', accountId: PRAEKELT })
    expect(res.headers.location).toBe(`/v1/faqs/${faq.id}`)
    expect((await call<Faq>(gw, 'GET', `/v1/faqs/${faq.id}`)).body).toEqual(faq)
    const patched = await call<Faq>(gw, 'PATCH', `/v1/faqs/${faq.id}`, { json: { title: 'Partners' } })
    expect(patched).toMatchObject({ status: 200, body: { id: faq.id, title: 'Partners', url: 'reseau-partners' } })
    expect((await call<List<Faq>>(gw, 'GET', `/v1/accounts/${PRAEKELT}/faqs`)).body.data.map((f) => f.title)).toContain(
      'Partners',
    )
  })

  it('creates, renames and reads topics', async () => {
    const res = await call<FaqTopic>(gw, 'POST', `/v1/faqs/${faq.id}/topics`, { json: { name: 'Onboarding' } })
    expect(res.status).toBe(201)
    topic = res.body
    expect(topic).toMatchObject({ name: 'Onboarding', faqId: faq.id })
    expect(res.headers.location).toBe(`/v1/faq-topics/${topic.id}`)
    second = (await call<FaqTopic>(gw, 'POST', `/v1/faqs/${faq.id}/topics`, { json: { name: 'Contracts' } })).body
    const renamed = await call<FaqTopic>(gw, 'PATCH', `/v1/faq-topics/${topic.id}`, {
      json: { name: 'Getting on board' },
    })
    expect(renamed).toMatchObject({ status: 200, body: { id: topic.id, name: 'Getting on board' } })
    expect((await call<FaqTopic>(gw, 'GET', `/v1/faq-topics/${topic.id}`)).body.name).toBe('Getting on board')
  })

  it('creates, updates, re-topics and reads questions', async () => {
    const res = await call<FaqQuestion>(gw, 'POST', `/v1/faq-topics/${topic.id}/questions`, {
      json: { question: 'Who signs?', answer: 'The **account owner**.' },
    })
    expect(res.status).toBe(201)
    question = res.body
    expect(question).toMatchObject({
      question: 'Who signs?',
      answer: 'The **account owner**.',
      topicId: topic.id,
      faqId: faq.id,
      accountId: PRAEKELT,
    })
    expect(res.headers.location).toBe(`/v1/faq-questions/${question.id}`)
    const patched = await call<FaqQuestion>(gw, 'PATCH', `/v1/faq-questions/${question.id}`, {
      json: { answer: 'The owner, or an admin.' },
    })
    expect(patched).toMatchObject({ status: 200, body: { question: 'Who signs?', answer: 'The owner, or an admin.' } })

    const moved = await call<FaqQuestionTopics>(gw, 'PUT', `/v1/faq-questions/${question.id}/topics`, {
      json: { topics: [second.id, topic.id] },
    })
    expect(moved.status).toBe(200)
    expect(moved.body.topics.map((t) => t.id).sort()).toEqual([second.id, topic.id].sort())
    expect(moved.body.question).toMatchObject({ remoteId: question.remoteId, topicId: second.id })
    expect(
      (await call<List<FaqQuestion>>(gw, 'GET', `/v1/faq-topics/${second.id}/questions`)).body.data.map(
        (q) => q.remoteId,
      ),
    ).toEqual([question.remoteId])
    expect((await call<FaqQuestion>(gw, 'GET', `/v1/faq-questions/${moved.body.question.id}`)).body.answer).toBe(
      'The owner, or an admin.',
    )
  })

  it('validates before any upstream call', async () => {
    const before = stats().requests
    expect(await call(gw, 'PATCH', `/v1/faqs/${faq.id}`, { json: {} })).toMatchObject({ status: 400 })
    expect(await call(gw, 'POST', `/v1/faqs/${faq.id}/topics`, { json: { name: '' } })).toMatchObject({ status: 400 })
    expect(await call(gw, 'PATCH', `/v1/faq-questions/${question.id}`, { json: { extra: 1 } })).toMatchObject({
      status: 400,
    })
    const foreign = snappyId('faqTopic', '3249', '1', '2')
    expect(
      await call(gw, 'PUT', `/v1/faq-questions/${question.id}/topics`, { json: { topics: [foreign] } }),
    ).toMatchObject({ status: 400, body: { code: 'validation_failed' } })
    expect(await call(gw, 'PUT', `/v1/faq-questions/${question.id}/topics`, { json: { topics: [] } })).toMatchObject({
      status: 400,
    })
    expect(await call(gw, 'GET', `/v1/faqs/${batchbookId('faq', '1', '2')}/topics`)).toMatchObject({ status: 405 })
    expect(await call(gw, 'GET', `/v1/faq-topics/${topic.id}/questions`, { key: CRM_KEY })).toMatchObject({
      status: 403,
    })
    expect(stats().requests).toBe(before)
  })

  it('deletes a question, a topic and the FAQ', async () => {
    expect((await call(gw, 'DELETE', `/v1/faq-questions/${question.id}`)).status).toBe(204)
    expect(await call(gw, 'GET', `/v1/faq-questions/${question.id}`)).toMatchObject({ status: 404 })
    expect((await call(gw, 'DELETE', `/v1/faq-topics/${second.id}`)).status).toBe(204)
    expect((await call<List<FaqTopic>>(gw, 'GET', `/v1/faqs/${faq.id}/topics`)).body.data.map((t) => t.id)).toEqual([
      topic.id,
    ])
    expect((await call(gw, 'DELETE', `/v1/faqs/${faq.id}`)).status).toBe(204)
    expect(await call(gw, 'GET', `/v1/faqs/${faq.id}`)).toMatchObject({ status: 404, body: { code: 'not_found' } })
    expect(store().faqs.faqs.get(Number(faq.remoteId))).toBeUndefined()
  })
})
