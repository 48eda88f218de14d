/**
 * FAQ search and FAQ CRUD. Creates and updates answer the FAQ as stored; a deletion answers
 * the FAQ as it was (the docs say nothing about any of these answers).
 */
import type { FastifyInstance } from 'fastify'
import { SNAPPY_PATHS } from '../../../upstreams/snappy/wire.js'
import { bodyOf, Fields } from '../body.js'
import { parsePage, searchQuestions } from '../domain/search.js'
import { faqJson, questionHitJson } from '../serialize/faqs.js'
import { slugify } from '../text.js'
import { requireAccount, type RouteContext } from './context.js'
import { requireFaq } from './faq-lookup.js'

type AccountParams = { Params: { id: string } }
type FaqParams = { Params: { id: string; faq: string } }

export function faqRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get<AccountParams & { Querystring: { query?: string; page?: string } }>(
    SNAPPY_PATHS.faqSearch.pattern,
    async (request) => {
      const { account } = requireAccount(store, request, request.params.id)
      const query = typeof request.query.query === 'string' ? request.query.query : ''
      const result = searchQuestions(store, account.id, query, parsePage(request.query.page))
      return { meta: { total: result.total, page: result.page }, data: result.items.map(questionHitJson) }
    },
  )

  app.get<AccountParams>(SNAPPY_PATHS.faqs.pattern, async (request) => {
    const { account } = requireAccount(store, request, request.params.id)
    return store.faqs.faqsOf(account.id).map(faqJson)
  })

  app.post<AccountParams>(SNAPPY_PATHS.faqs.pattern, async (request) => {
    const { account } = requireAccount(store, request, request.params.id)
    const fields = new Fields(bodyOf(request))
    const title = fields.string('title', { required: true, nonEmpty: true })
    const url = fields.string('url', { nonEmpty: true })
    fields.check()
    const faq = store.faqs.createFaq({
      accountId: account.id,
      title: title as string,
      url: url ?? slugify(title as string),
    })
    return faqJson(faq)
  })

  app.put<FaqParams>(SNAPPY_PATHS.faq.pattern, async (request) => {
    const { faq } = requireFaq(store, request, request.params)
    const fields = new Fields(bodyOf(request))
    const title = fields.string('title', { nonEmpty: true })
    const url = fields.string('url', { nonEmpty: true })
    fields.check()
    store.faqs.updateFaq(faq.id, { title, url })
    return faqJson(faq)
  })

  app.delete<FaqParams>(SNAPPY_PATHS.faq.pattern, async (request) => {
    const { faq } = requireFaq(store, request, request.params)
    const answer = faqJson(faq)
    store.faqs.deleteFaq(faq.id)
    return answer
  })
}
