/** FAQs of an account, and FAQ search. */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import {
  FaqInputSchema,
  FaqListSchema,
  FaqPatchSchema,
  FaqSchema,
  FaqSearchResultSchema,
  type FaqInput,
  type FaqPatch,
} from '../../schemas/faq.js'
import { ref } from '../../schemas/ref.js'
import { IdempotencyHeaders } from '../../schemas/idempotency.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import { IdOf, pageQuery } from '../../schemas/snappy-common.js'
import { decodePageCursor, encodePageCursor, slicePage } from '../../cursor.js'
import { faqOf } from './resolve.js'

const AccountParams = Type.Object(
  { accountId: IdOf('account', 'An account id (`acct_…`).') },
  { additionalProperties: false },
)
const FaqParams = Type.Object({ faqId: IdOf('faq', 'An FAQ id (`faq_…`).') }, { additionalProperties: false })
const ListQuery = Type.Object(pageQuery, { additionalProperties: false })
const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 500, description: 'What to look for in questions and answers.' }),
    page: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10_000,
        default: 1,
        description: 'Page number, as Snappy pages search results (default 1).',
      }),
    ),
    cursor: Type.Optional(
      Type.String({ maxLength: 512, description: 'The `nextCursor` of the previous page (instead of `page`).' }),
    ),
  },
  { additionalProperties: false },
)
const SEARCH_CURSOR = 'faq-search'
const PROBLEMS = problemResponses(...UPSTREAM_PROBLEMS, 404, 405)
type AccountP = Static<typeof AccountParams>
type FaqP = Static<typeof FaqParams>

export default async function faqRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: AccountP; Querystring: Static<typeof ListQuery> }>(
    '/v1/accounts/:accountId/faqs',
    {
      schema: {
        operationId: 'listFaqs',
        summary: 'List an account’s FAQs',
        description: 'The account’s knowledge bases.',
        tags: ['FAQs'],
        params: AccountParams,
        querystring: ListQuery,
        response: { 200: ref(FaqListSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const { adapter, parts } = request.resolveSnappyId('account', request.params.accountId, 1)
      return slicePage(await adapter.faqs.list(parts[0] as string), 'faqs', request.query.cursor, request.query.limit)
    },
  )

  app.post<{ Params: AccountP; Body: FaqInput }>(
    '/v1/accounts/:accountId/faqs',
    {
      schema: {
        operationId: 'createFaq',
        summary: 'Create an FAQ',
        description: 'Answers 201 with the FAQ.',
        tags: ['FAQs'],
        headers: IdempotencyHeaders,
        params: AccountParams,
        body: ref(FaqInputSchema),
        response: { 201: ref(FaqSchema), ...PROBLEMS, ...WRITE_RESPONSES, ...problemResponses(409) },
      },
      config: { idempotent: true },
    },
    async (request, reply) => {
      const { adapter, parts } = request.resolveSnappyId('account', request.params.accountId, 1)
      const faq = await adapter.faqs.create(parts[0] as string, request.body)
      return reply.code(201).header('location', `/v1/faqs/${faq.id}`).send(faq)
    },
  )

  app.get<{ Params: AccountP; Querystring: Static<typeof SearchQuery> }>(
    '/v1/accounts/:accountId/faqs/search',
    {
      schema: {
        operationId: 'searchFaqs',
        summary: 'Search an account’s FAQ questions',
        description:
          'A page of matching questions with the total number of hits. Pass `nextCursor` back as `cursor`, or ask for a `page`.',
        tags: ['FAQs'],
        params: AccountParams,
        querystring: SearchQuery,
        response: { 200: ref(FaqSearchResultSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const { adapter, parts } = request.resolveSnappyId('account', request.params.accountId, 1)
      const { q, cursor } = request.query
      const page =
        cursor === undefined
          ? request.query.page
          : Math.max(1, decodePageCursor(SEARCH_CURSOR, cursor, ['p'] as const).p)
      const result = await adapter.faqs.search(parts[0] as string, q, page)
      // Pages before this one were full, so more hits remain while the total is not reached.
      const more =
        result.items.length > 0 && result.total > (result.page - 1) * result.items.length + result.items.length
      return {
        data: result.items,
        total: result.total,
        page: result.page,
        nextCursor: more ? encodePageCursor(SEARCH_CURSOR, { p: result.page + 1 }) : null,
      }
    },
  )

  app.get<{ Params: FaqP }>(
    '/v1/faqs/:faqId',
    {
      schema: {
        operationId: 'getFaq',
        summary: 'Get an FAQ',
        description: 'One FAQ of an account.',
        tags: ['FAQs'],
        params: FaqParams,
        response: { 200: ref(FaqSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const { adapter, account, faq } = faqOf(app, request, request.params.faqId)
      return adapter.faqs.get(account, faq)
    },
  )

  app.patch<{ Params: FaqP; Body: FaqPatch }>(
    '/v1/faqs/:faqId',
    {
      schema: {
        operationId: 'updateFaq',
        summary: 'Update an FAQ',
        description: 'Changes the title or URL slug.',
        tags: ['FAQs'],
        params: FaqParams,
        body: ref(FaqPatchSchema),
        response: { 200: ref(FaqSchema), ...PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request) => {
      const { adapter, account, faq } = faqOf(app, request, request.params.faqId)
      return adapter.faqs.update(account, faq, request.body)
    },
  )

  app.delete<{ Params: FaqP }>(
    '/v1/faqs/:faqId',
    {
      schema: {
        operationId: 'deleteFaq',
        summary: 'Delete an FAQ',
        description: 'Deletes the FAQ with its topics and questions.',
        tags: ['FAQs'],
        params: FaqParams,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...PROBLEMS, ...WRITE_RESPONSES },
      },
    },
    async (request, reply) => {
      const { adapter, account, faq } = faqOf(app, request, request.params.faqId)
      await adapter.faqs.remove(account, faq)
      return reply.code(204).send()
    },
  )
}
