/**
 * What every route costs upstream, counted by the sandbox simulators: **cold** (the gateway's
 * read cache is empty) and **warm** (what the route reads was read just before). The README's
 * table ("What each route costs upstream") must state exactly these numbers, row for row, and
 * every operation of the OpenAPI document must have a row.
 */
import { readFileSync } from 'node:fs'
import { FormData, request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Message } from '../../src/schemas/message.js'
import { FAST_LIMITS, TEST_KEY, type RunningGateway, startGateway, testConfig } from '../helpers/gateway.js'
import { testDatabase } from '../helpers/stores.js'
import { callsSince, described, mark, violations } from '../helpers/upstream-calls.js'
import { WCL, WCL_MAILBOX, batchbookId, call, snappyId } from '../upstreams/snappy/e2e.js'

const README = new URL('../../README.md', import.meta.url)
const OPENAPI = new URL('../../openapi/openapi.json', import.meta.url)
const HEADING = '### What each route costs upstream'

/** A count that depends on the data: the README shows `formula`; `value` evaluates it on the simulators' data. */
interface Formula {
  formula: string
  value: () => number
}
type Cost = number | Formula

interface Row<T = unknown> {
  /** The README's label: method and path as in the OpenAPI document, then the case when there are several. */
  route: string
  cold: Cost
  warm: Cost
  /** Makes what the operation acts on, before the cold run (not counted). */
  setup?: () => Promise<T> | T
  /** The operation destroys or uses up its target: the warm run gets a new one from `setup`. */
  consumes?: boolean
  /** Reads made just before the warm run, so that the cache holds what the route reads (not counted). */
  warmUp?: (target: T) => Promise<unknown>
  /** The operation, once, checking its answer. */
  run: (target: T) => Promise<unknown>
}

const row = <T>(r: Row<T>): Row => r as unknown as Row
const text = (c: Cost) => (typeof c === 'number' ? String(c) : c.formula)
const value = (c: Cost) => (typeof c === 'number' ? c : c.value())

let gw: RunningGateway
const bb = () => gw.sandbox!.batchbook.simulator.store
const sn = () => gw.sandbox!.snappy.simulator.store

// The store is there for the change feed and webhook routes; it neither syncs nor delivers
// (both are background work, not a request's), so every read here takes the upstream path.
const store = testDatabase('sqlite')

beforeAll(async () => {
  gw = await startGateway({
    config: testConfig({ store: store.config }),
    withSandbox: true,
    limits: FAST_LIMITS,
    sync: false,
    deliver: false,
  })
})
afterAll(async () => {
  await gw.close()
  await store.drop()
})

// ---------------------------------------------------------------------------------------------
// Calling the gateway

async function send<T = Record<string, unknown>>(
  method: string,
  path: string,
  status: number,
  json?: unknown,
): Promise<T> {
  const res = await call<T>(gw, method, path, json === undefined ? {} : { json })
  expect(res.status, `${method} ${path} answered ${JSON.stringify(res.body)}`).toBe(status)
  return res.body
}

const get = <T = Record<string, unknown>>(path: string) => send<T>('GET', path, 200)

/** A list that must come whole: no connection may have failed into a warning. */
async function list(path: string, length?: number): Promise<void> {
  const body = await get<{ data: unknown[]; warnings?: unknown }>(path)
  expect(body.warnings).toBeUndefined()
  if (length !== undefined) expect(body.data).toHaveLength(length)
}

/** A route answered with a body that is not JSON (metrics, files). */
async function raw(path: string): Promise<void> {
  const res = await request(`${gw.url}${path}`, { headers: { authorization: `Bearer ${TEST_KEY}` } })
  await res.body.arrayBuffer()
  expect(res.statusCode, path).toBe(200)
}

/** What Snappy messages cannot do: 405 before any upstream call. */
async function unsupported(method: string, path: string, json?: unknown): Promise<void> {
  expect(await send(method, path, 405, json)).toMatchObject({ code: 'unsupported_by_source' })
}

// ---------------------------------------------------------------------------------------------
// What the operations act on: made in the simulators' stores (no call), or through the API
// where the simulators' own write path is wanted (its calls are made before counting starts).

/** A new BatchBook communication with Matt Gillooly (from), Pamela O'Hara (to) and the tag `lead`. */
function newCommunication(): string {
  const c = bb().createCommunication({
    ctype: 'Phone',
    subject: 'Costs',
    body: 'Counting upstream calls.',
    participants: [
      { contactId: 4, role: 'from' },
      { contactId: 1, role: 'to' },
    ],
    tags: ['lead'],
  })
  return String(c.id)
}
const msg = (communication: string) => batchbookId('message', communication)

function newComment(): { id: string; comment: string } {
  const id = newCommunication()
  const comment = bb().createComment({ recordId: Number(id), comment: 'Call back Friday.', user: 'Eric Krause' })!
  return { id, comment: batchbookId('comment', id, String(comment.id)) }
}

/** A new Snappy conversation, opened through the gateway (two calls, made before counting). */
async function newConversation(): Promise<string> {
  const opened = await send<Message>('POST', '/v1/messages', 201, {
    source: 'snappy',
    mailboxId: WCL_MAILBOX,
    from: [{ name: 'Ada', address: 'ada@example.org' }],
    subject: 'Counting',
    body: 'How many calls does this take?',
  })
  return opened.conversationId!
}

const WCL_ID = 3249
/** The staff member the sandbox's Snappy key belongs to. */
const MIKE = 58

function seededAttachment() {
  return sn().tickets.attachments.find((a) => a.accountId === WCL_ID)!
}
const seededTicket = () => String(seededAttachment().ticketId)
const seededNote = () => snappyId('message', seededTicket(), String(seededAttachment().noteId))
const seededContact = () => sn().directory.contactsOf(WCL_ID)[0]!
const seededDocument = () => snappyId('document', String(WCL_ID), String(sn().documents.documentsOf(WCL_ID)[0]!.id))
const seededPost = () => String(sn().wall.page(WCL_ID)[0]!.id)
const post = (id: string) => snappyId('wallPost', String(WCL_ID), id)
const seededFaq = () => sn().faqs.faqsOf(WCL_ID)[0]!
const seededTopic = () => sn().faqs.topicsOf(seededFaq().id)[0]!

function newPost(): string {
  return String(sn().wall.createPost({ accountId: WCL_ID, staffId: MIKE, content: 'Counting calls.' }).id)
}

function newFaq(): { faq: number; id: string } {
  const faq = sn().faqs.createFaq({ accountId: WCL_ID, title: 'Costs', url: 'costs' })
  return { faq: faq.id, id: snappyId('faq', String(WCL_ID), String(faq.id)) }
}

function newTopic(faq = newFaq().faq): { topic: number; id: string } {
  const topic = sn().faqs.createTopic({ faqId: faq, topic: 'Calls' })
  return { topic: topic.id, id: snappyId('faqTopic', String(WCL_ID), String(faq), String(topic.id)) }
}

/** A question in a new topic of a new FAQ, and a second topic of that FAQ. */
function newQuestion(): { id: string; faq: string; topics: [string, string] } {
  const { faq, id: faqId } = newFaq()
  const first = newTopic(faq)
  const second = newTopic(faq)
  const question = sn().faqs.createQuestion({ topicIds: [first.topic], question: 'How many calls?', answer: 'Few.' })
  return {
    id: snappyId('faqQuestion', String(WCL_ID), String(faq), String(first.topic), String(question.id)),
    faq: faqId,
    topics: [first.id, second.id],
  }
}

/** The Snappy accounts the sandbox's key reaches. */
function snappyAccountList() {
  const key = gw.sandbox!.connections.find((c) => c.name === 'snappy')!.credential
  return sn().directory.accountsOf(sn().directory.staffForKey(key)!.id)
}
const snappyAccounts = () => snappyAccountList().length

/** The Snappy part of the timeline: the accounts, their three queues, each queued ticket's notes. */
function snappyTimeline(): number {
  const accounts = snappyAccountList()
  // `inbox` and `yours` are parts of `waiting`: the waiting tickets are every queued ticket.
  const queued = accounts.flatMap(({ account }) =>
    sn()
      .tickets.ticketsOf(account.id)
      .filter((t) => t.status === 'waiting'),
  )
  return 1 + 3 * accounts.length + queued.length
}

const BATCHBOOK_PAGE = 25
/** BatchBook lists 10 a page: a page of 25 messages takes 3 list calls. */
const batchbookPage = () => Math.min(BATCHBOOK_PAGE, bb().listCommunications().length)

// ---------------------------------------------------------------------------------------------
// The routes, in the order of the API reference's sections.

/** A webhook endpoint at a public address (nothing is sent: this gateway does not deliver). */
async function newEndpoint(): Promise<string> {
  const created = await send<{ id: string }>('POST', '/v1/webhook-endpoints', 201, {
    url: 'https://93.184.216.34/hooks',
  })
  return created.id
}

/** An operation that has run: a note queued with `Prefer: respond-async`, waited for. */
async function ranOperation(): Promise<string> {
  const queued = await call<{ id: string }>(gw, 'POST', '/v1/messages', {
    json: { source: 'batchbook', kind: 'note', body: 'Queued for the cost table.' },
    headers: { prefer: 'respond-async' },
  })
  expect(queued.status).toBe(202)
  for (;;) {
    const op = await get<{ state: string }>(`/v1/operations/${queued.body.id}`)
    if (op.state !== 'queued' && op.state !== 'running') return queued.body.id
    await gw.clock!.pass(1_000)
  }
}

const SNAPPY_CONTACT = () => snappyId('contact', String(WCL_ID), String(seededContact().id))

const ROWS: Row[] = [
  // Service and sources: answered from the gateway's own state.
  row({ route: 'GET /healthz', cold: 0, warm: 0, run: () => raw('/healthz') }),
  row({ route: 'GET /readyz', cold: 0, warm: 0, run: () => raw('/readyz') }),
  row({ route: 'GET /metrics', cold: 0, warm: 0, run: () => raw('/metrics') }),
  row({ route: 'GET /v1/sources', cold: 0, warm: 0, run: () => get('/v1/sources') }),

  // Messages
  row({
    route: 'GET /v1/messages?source=batchbook',
    cold: 3,
    warm: 0,
    run: () => list('/v1/messages?source=batchbook', BATCHBOOK_PAGE),
  }),
  row({
    route: 'GET /v1/messages?source=batchbook&expand=participants',
    cold: { formula: '3 + 1 per message', value: () => 3 + batchbookPage() },
    warm: 0,
    run: () => list('/v1/messages?source=batchbook&expand=participants', BATCHBOOK_PAGE),
  }),
  row({
    route: 'GET /v1/messages?source=snappy',
    cold: { formula: '1 + 3 per account + 1 per waiting ticket', value: snappyTimeline },
    warm: 0,
    run: () => list('/v1/messages?source=snappy', 25),
  }),
  row({
    route: 'POST /v1/messages (BatchBook, 2 participants, 2 tags)',
    cold: 5,
    warm: 5,
    run: () =>
      send('POST', '/v1/messages', 201, {
        source: 'batchbook',
        kind: 'phone',
        subject: 'Renewal call',
        body: 'Talked through the plan.',
        participants: [
          { contactId: batchbookId('contact', '4'), role: 'from' },
          { contactId: batchbookId('contact', '1'), role: 'to' },
        ],
        tags: ['renewal', 'q3'],
      }),
  }),
  row({
    route: 'POST /v1/messages (BatchBook, no participants or tags)',
    cold: 2,
    warm: 2,
    run: () => send('POST', '/v1/messages', 201, { source: 'batchbook', kind: 'note', body: 'A plain note.' }),
  }),
  row({ route: 'POST /v1/messages (Snappy, new conversation)', cold: 2, warm: 2, run: () => newConversation() }),
  row({
    route: 'POST /v1/messages (Snappy, reply)',
    cold: 3,
    warm: 2,
    setup: newConversation,
    warmUp: (conversation) => get(`/v1/conversations/${conversation}`),
    run: (conversation) =>
      send('POST', '/v1/messages', 201, {
        source: 'snappy',
        mailboxId: WCL_MAILBOX,
        conversationId: conversation,
        from: [{ address: 'ada@example.org' }],
        body: 'Any news?',
      }),
  }),
  row({
    route: 'GET /v1/messages/{id} (BatchBook)',
    cold: 2,
    warm: 0,
    setup: newCommunication,
    run: (id) => get(`/v1/messages/${msg(id)}`),
  }),
  row({ route: 'GET /v1/messages/{id} (Snappy)', cold: 2, warm: 0, run: () => get(`/v1/messages/${seededNote()}`) }),
  row({
    route: 'PATCH /v1/messages/{id} (BatchBook)',
    cold: 3,
    warm: 2,
    setup: newCommunication,
    warmUp: (id) => get(`/v1/messages/${msg(id)}`),
    run: (id) => send('PATCH', `/v1/messages/${msg(id)}`, 200, { subject: 'Counted' }),
  }),
  row({
    route: 'PATCH /v1/messages/{id} (Snappy, 405)',
    cold: 0,
    warm: 0,
    run: () => unsupported('PATCH', `/v1/messages/${seededNote()}`, { subject: 'x' }),
  }),
  row({
    route: 'DELETE /v1/messages/{id} (BatchBook)',
    cold: 1,
    warm: 1,
    setup: newCommunication,
    consumes: true,
    warmUp: (id) => get(`/v1/messages/${msg(id)}`),
    run: (id) => send('DELETE', `/v1/messages/${msg(id)}`, 204),
  }),
  row({
    route: 'DELETE /v1/messages/{id} (Snappy, 405)',
    cold: 0,
    warm: 0,
    run: () => unsupported('DELETE', `/v1/messages/${seededNote()}`),
  }),
  row({
    route: 'GET /v1/messages/{id}/participants (BatchBook)',
    cold: 1,
    warm: 0,
    setup: newCommunication,
    run: (id) => get(`/v1/messages/${msg(id)}/participants`),
  }),
  row({
    route: 'GET /v1/messages/{id}/participants (Snappy, 405)',
    cold: 0,
    warm: 0,
    run: () => unsupported('GET', `/v1/messages/${seededNote()}/participants`),
  }),
  row({
    route: 'POST /v1/messages/{id}/participants (BatchBook)',
    cold: 2,
    warm: 2,
    setup: newCommunication,
    consumes: true,
    warmUp: (id) => get(`/v1/messages/${msg(id)}/participants`),
    run: (id) =>
      send('POST', `/v1/messages/${msg(id)}/participants`, 200, { contactId: batchbookId('contact', '5'), role: 'cc' }),
  }),
  row({
    route: 'POST /v1/messages/{id}/participants (Snappy, 405)',
    cold: 0,
    warm: 0,
    run: () =>
      unsupported('POST', `/v1/messages/${seededNote()}/participants`, { contactId: SNAPPY_CONTACT(), role: 'cc' }),
  }),
  row({
    route: 'DELETE /v1/messages/{id}/participants/{contactId} (BatchBook)',
    cold: 1,
    warm: 1,
    setup: newCommunication,
    consumes: true,
    warmUp: (id) => get(`/v1/messages/${msg(id)}/participants`),
    run: (id) => send('DELETE', `/v1/messages/${msg(id)}/participants/${batchbookId('contact', '1')}?role=to`, 204),
  }),
  row({
    route: 'DELETE /v1/messages/{id}/participants/{contactId} (Snappy, 405)',
    cold: 0,
    warm: 0,
    run: () => unsupported('DELETE', `/v1/messages/${seededNote()}/participants/${SNAPPY_CONTACT()}?role=cc`),
  }),
  row({
    route: 'GET /v1/messages/{id}/tags (BatchBook)',
    cold: 1,
    warm: 0,
    setup: newCommunication,
    run: (id) => get(`/v1/messages/${msg(id)}/tags`),
  }),
  row({
    route: 'GET /v1/messages/{id}/tags (Snappy, 405)',
    cold: 0,
    warm: 0,
    run: () => unsupported('GET', `/v1/messages/${seededNote()}/tags`),
  }),
  row({
    route: 'PUT /v1/messages/{id}/tags/{tag} (BatchBook)',
    cold: 2,
    warm: 2,
    setup: newCommunication,
    consumes: true,
    warmUp: (id) => get(`/v1/messages/${msg(id)}/tags`),
    run: (id) => send('PUT', `/v1/messages/${msg(id)}/tags/follow%20up`, 200),
  }),
  row({
    route: 'PUT /v1/messages/{id}/tags/{tag} (Snappy, 405)',
    cold: 0,
    warm: 0,
    run: () => unsupported('PUT', `/v1/messages/${seededNote()}/tags/x`),
  }),
  row({
    route: 'DELETE /v1/messages/{id}/tags/{tag} (BatchBook)',
    cold: 1,
    warm: 1,
    setup: newCommunication,
    consumes: true,
    warmUp: (id) => get(`/v1/messages/${msg(id)}/tags`),
    run: (id) => send('DELETE', `/v1/messages/${msg(id)}/tags/lead`, 204),
  }),
  row({
    route: 'DELETE /v1/messages/{id}/tags/{tag} (Snappy, 405)',
    cold: 0,
    warm: 0,
    run: () => unsupported('DELETE', `/v1/messages/${seededNote()}/tags/x`),
  }),
  row({
    route: 'GET /v1/messages/{id}/comments (BatchBook)',
    cold: 1,
    warm: 0,
    setup: newComment,
    run: ({ id }) => get(`/v1/messages/${msg(id)}/comments`),
  }),
  row({
    route: 'GET /v1/messages/{id}/comments (Snappy, 405)',
    cold: 0,
    warm: 0,
    run: () => unsupported('GET', `/v1/messages/${seededNote()}/comments`),
  }),
  row({
    route: 'POST /v1/messages/{id}/comments (BatchBook)',
    cold: 2,
    warm: 2,
    setup: newCommunication,
    warmUp: (id) => get(`/v1/messages/${msg(id)}/comments`),
    run: (id) => send('POST', `/v1/messages/${msg(id)}/comments`, 201, { body: 'Call back Monday.' }),
  }),
  row({
    route: 'POST /v1/messages/{id}/comments (Snappy, 405)',
    cold: 0,
    warm: 0,
    run: () => unsupported('POST', `/v1/messages/${seededNote()}/comments`, { body: 'x' }),
  }),
  row({
    route: 'PATCH /v1/messages/{id}/comments/{commentId} (BatchBook)',
    cold: 2,
    warm: 2,
    setup: newComment,
    warmUp: ({ id }) => get(`/v1/messages/${msg(id)}/comments`),
    run: ({ id, comment }) =>
      send('PATCH', `/v1/messages/${msg(id)}/comments/${comment}`, 200, { body: 'Call back Tuesday.' }),
  }),
  row({
    route: 'PATCH /v1/messages/{id}/comments/{commentId} (Snappy, 405)',
    cold: 0,
    warm: 0,
    run: () =>
      unsupported('PATCH', `/v1/messages/${seededNote()}/comments/${snappyId('comment', seededTicket(), '1')}`, {
        body: 'x',
      }),
  }),
  row({
    route: 'DELETE /v1/messages/{id}/comments/{commentId} (BatchBook)',
    cold: 1,
    warm: 1,
    setup: newComment,
    consumes: true,
    warmUp: ({ id }) => get(`/v1/messages/${msg(id)}/comments`),
    run: ({ id, comment }) => send('DELETE', `/v1/messages/${msg(id)}/comments/${comment}`, 204),
  }),
  row({
    route: 'DELETE /v1/messages/{id}/comments/{commentId} (Snappy, 405)',
    cold: 0,
    warm: 0,
    run: () =>
      unsupported('DELETE', `/v1/messages/${seededNote()}/comments/${snappyId('comment', seededTicket(), '1')}`),
  }),

  // Accounts and contacts
  row({ route: 'GET /v1/accounts', cold: 1, warm: 0, run: () => list('/v1/accounts') }),
  row({
    route: 'GET /v1/accounts/{accountId}/mailboxes',
    cold: 1,
    warm: 0,
    run: () => list(`/v1/accounts/${WCL}/mailboxes`),
  }),
  row({ route: 'GET /v1/accounts/{accountId}/staff', cold: 1, warm: 0, run: () => list(`/v1/accounts/${WCL}/staff`) }),
  row({
    route: 'GET /v1/accounts/{accountId}/contacts/{idOrEmail}',
    cold: 1,
    warm: 0,
    run: () => get(`/v1/accounts/${WCL}/contacts/${encodeURIComponent(seededContact().value)}`),
  }),
  row({ route: 'GET /v1/contacts/{id}', cold: 1, warm: 0, run: () => get(`/v1/contacts/${SNAPPY_CONTACT()}`) }),

  // Conversations
  row({
    route: 'GET /v1/conversations?queue={queue}',
    cold: { formula: '1 + 1 per account', value: () => 1 + snappyAccounts() },
    warm: 0,
    run: () => list('/v1/conversations?queue=waiting'),
  }),
  row({
    route: 'GET /v1/conversations?queue={queue}&account={accountId}',
    cold: 1,
    warm: 0,
    run: () => list(`/v1/conversations?queue=waiting&account=${WCL}`),
  }),
  row({
    route: 'GET /v1/conversations?q={q}',
    cold: { formula: '1 + 1 per account', value: () => 1 + snappyAccounts() },
    warm: 0,
    run: () => list('/v1/conversations?q=invoice'),
  }),
  row({
    route: 'GET /v1/conversations?q={q}&account={accountId}',
    cold: 1,
    warm: 0,
    run: () => list(`/v1/conversations?q=invoice&account=${WCL}`),
  }),
  row({
    route: 'GET /v1/conversations/{id}',
    cold: 1,
    warm: 0,
    run: () => get(`/v1/conversations/${snappyId('conversation', seededTicket())}`),
  }),
  row({
    route: 'DELETE /v1/conversations/{id}',
    cold: 1,
    warm: 1,
    setup: newConversation,
    consumes: true,
    warmUp: (conversation) => get(`/v1/conversations/${conversation}`),
    run: (conversation) => send('DELETE', `/v1/conversations/${conversation}`, 204),
  }),
  row({
    route: 'GET /v1/conversations/{id}/messages',
    cold: 2,
    warm: 0,
    run: () => list(`/v1/conversations/${snappyId('conversation', seededTicket())}/messages`),
  }),
  row({
    route: 'PUT /v1/conversations/{id}/tags',
    cold: 1,
    warm: 1,
    setup: newConversation,
    warmUp: (conversation) => get(`/v1/conversations/${conversation}`),
    run: (conversation) => send('PUT', `/v1/conversations/${conversation}/tags`, 200, { tags: ['#counted'] }),
  }),
  row({
    route: 'PUT /v1/conversations/{id}/status',
    cold: 1,
    warm: 1,
    setup: newConversation,
    warmUp: (conversation) => get(`/v1/conversations/${conversation}`),
    run: (conversation) => send('PUT', `/v1/conversations/${conversation}/status`, 200, { status: 'closed' }),
  }),
  row({
    route: 'GET /v1/conversations/{id}/attachments/{attachmentId}',
    cold: 1,
    warm: 1,
    run: () => {
      const a = seededAttachment()
      return raw(
        `/v1/conversations/${snappyId('conversation', String(a.ticketId))}/attachments/${snappyId('attachment', String(a.ticketId), String(a.id))}`,
      )
    },
  }),

  // Documents
  row({
    route: 'GET /v1/accounts/{accountId}/documents',
    cold: 1,
    warm: 0,
    run: () => list(`/v1/accounts/${WCL}/documents`),
  }),
  row({
    route: 'POST /v1/accounts/{accountId}/documents',
    cold: 1,
    warm: 1,
    warmUp: () => list(`/v1/accounts/${WCL}/documents`),
    run: async () => {
      const form = new FormData()
      form.append('document', new Blob(['name,calls\nupload,1\n'], { type: 'text/csv' }), 'costs.csv')
      const res = await request(`${gw.url}/v1/accounts/${WCL}/documents`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${TEST_KEY}` },
      })
      const body = await res.body.text()
      expect(res.statusCode, body).toBe(201)
    },
  }),
  row({
    route: 'GET /v1/documents/{documentId}',
    cold: 1,
    warm: 0,
    run: () => get(`/v1/documents/${seededDocument()}`),
  }),
  row({
    route: 'GET /v1/documents/{documentId}/content',
    cold: 1,
    warm: 1,
    run: () => raw(`/v1/documents/${seededDocument()}/content`),
  }),

  // Wall
  row({
    route: 'GET /v1/accounts/{accountId}/wall',
    cold: 1,
    warm: 0,
    run: () => list(`/v1/accounts/${WCL}/wall`, 25),
  }),
  row({
    route: 'POST /v1/accounts/{accountId}/wall',
    cold: 2,
    warm: 2,
    warmUp: () => list(`/v1/accounts/${WCL}/wall`),
    run: () => send('POST', `/v1/accounts/${WCL}/wall`, 201, { content: 'Who can take this one?' }),
  }),
  row({
    route: 'GET /v1/wall-posts/{postId}',
    cold: 1,
    warm: 0,
    run: () => get(`/v1/wall-posts/${post(seededPost())}`),
  }),
  row({
    route: 'DELETE /v1/wall-posts/{postId}',
    cold: 1,
    warm: 1,
    setup: newPost,
    consumes: true,
    warmUp: (id) => get(`/v1/wall-posts/${post(id)}`),
    run: (id) => send('DELETE', `/v1/wall-posts/${post(id)}`, 204),
  }),
  row({
    route: 'POST /v1/wall-posts/{postId}/comments',
    cold: 1,
    warm: 1,
    setup: newPost,
    warmUp: (id) => get(`/v1/wall-posts/${post(id)}`),
    run: (id) => send('POST', `/v1/wall-posts/${post(id)}/comments`, 201, { content: 'I can.' }),
  }),
  row({
    route: 'DELETE /v1/wall-posts/{postId}/comments/{commentId}',
    cold: 1,
    warm: 1,
    setup: () => {
      const id = newPost()
      const comment = sn().wall.addComment({ postId: Number(id), staffId: MIKE, content: 'I can.' })
      return { id, comment: snappyId('wallComment', String(WCL_ID), id, String(comment.id)) }
    },
    consumes: true,
    warmUp: ({ id }) => get(`/v1/wall-posts/${post(id)}`),
    run: ({ id, comment }) => send('DELETE', `/v1/wall-posts/${post(id)}/comments/${comment}`, 204),
  }),
  row({
    route: 'PUT /v1/wall-posts/{postId}/like',
    cold: 1,
    warm: 1,
    setup: newPost,
    consumes: true,
    warmUp: (id) => get(`/v1/wall-posts/${post(id)}`),
    run: (id) => send('PUT', `/v1/wall-posts/${post(id)}/like`, 204),
  }),
  row({
    route: 'DELETE /v1/wall-posts/{postId}/like',
    cold: 1,
    warm: 1,
    setup: () => {
      const id = newPost()
      sn().wall.like(Number(id), MIKE)
      return id
    },
    consumes: true,
    warmUp: (id) => get(`/v1/wall-posts/${post(id)}`),
    run: (id) => send('DELETE', `/v1/wall-posts/${post(id)}/like`, 204),
  }),

  // FAQs, topics and questions
  row({ route: 'GET /v1/accounts/{accountId}/faqs', cold: 1, warm: 0, run: () => list(`/v1/accounts/${WCL}/faqs`) }),
  row({
    route: 'POST /v1/accounts/{accountId}/faqs',
    cold: 1,
    warm: 1,
    warmUp: () => list(`/v1/accounts/${WCL}/faqs`),
    run: () => send('POST', `/v1/accounts/${WCL}/faqs`, 201, { title: 'Counting calls' }),
  }),
  row({
    route: 'GET /v1/accounts/{accountId}/faqs/search',
    cold: 1,
    warm: 0,
    run: () => get(`/v1/accounts/${WCL}/faqs/search?q=contact%20support`),
  }),
  row({
    route: 'GET /v1/faqs/{faqId}',
    cold: 1,
    warm: 0,
    run: () => get(`/v1/faqs/${snappyId('faq', String(WCL_ID), String(seededFaq().id))}`),
  }),
  row({
    route: 'PATCH /v1/faqs/{faqId} (title only)',
    cold: 2,
    warm: 1,
    setup: newFaq,
    warmUp: ({ id }) => get(`/v1/faqs/${id}`),
    run: ({ id }) => send('PATCH', `/v1/faqs/${id}`, 200, { title: 'Counted calls' }),
  }),
  row({
    route: 'PATCH /v1/faqs/{faqId} (title and url)',
    cold: 1,
    warm: 1,
    setup: newFaq,
    warmUp: ({ id }) => get(`/v1/faqs/${id}`),
    run: ({ id }) => send('PATCH', `/v1/faqs/${id}`, 200, { title: 'Counted calls', url: 'counted-calls' }),
  }),
  row({
    route: 'DELETE /v1/faqs/{faqId}',
    cold: 1,
    warm: 1,
    setup: newFaq,
    consumes: true,
    warmUp: ({ id }) => get(`/v1/faqs/${id}`),
    run: ({ id }) => send('DELETE', `/v1/faqs/${id}`, 204),
  }),
  row({
    route: 'GET /v1/faqs/{faqId}/topics',
    cold: 1,
    warm: 0,
    run: () => list(`/v1/faqs/${snappyId('faq', String(WCL_ID), String(seededFaq().id))}/topics`),
  }),
  row({
    route: 'POST /v1/faqs/{faqId}/topics',
    cold: 1,
    warm: 1,
    setup: newFaq,
    warmUp: ({ id }) => list(`/v1/faqs/${id}/topics`),
    run: ({ id }) => send('POST', `/v1/faqs/${id}/topics`, 201, { name: 'Onboarding' }),
  }),
  row({
    route: 'GET /v1/faq-topics/{topicId}',
    cold: 1,
    warm: 0,
    run: () =>
      get(`/v1/faq-topics/${snappyId('faqTopic', String(WCL_ID), String(seededFaq().id), String(seededTopic().id))}`),
  }),
  row({
    route: 'PATCH /v1/faq-topics/{topicId}',
    cold: 1,
    warm: 1,
    setup: () => newTopic(),
    warmUp: ({ id }) => get(`/v1/faq-topics/${id}`),
    run: ({ id }) => send('PATCH', `/v1/faq-topics/${id}`, 200, { name: 'Renamed' }),
  }),
  row({
    route: 'DELETE /v1/faq-topics/{topicId}',
    cold: 1,
    warm: 1,
    setup: () => newTopic(),
    consumes: true,
    warmUp: ({ id }) => get(`/v1/faq-topics/${id}`),
    run: ({ id }) => send('DELETE', `/v1/faq-topics/${id}`, 204),
  }),
  row({
    route: 'GET /v1/faq-topics/{topicId}/questions',
    cold: 1,
    warm: 0,
    run: () =>
      list(
        `/v1/faq-topics/${snappyId('faqTopic', String(WCL_ID), String(seededFaq().id), String(seededTopic().id))}/questions`,
      ),
  }),
  row({
    route: 'POST /v1/faq-topics/{topicId}/questions',
    cold: 1,
    warm: 1,
    setup: () => newTopic(),
    warmUp: ({ id }) => list(`/v1/faq-topics/${id}/questions`),
    run: ({ id }) =>
      send('POST', `/v1/faq-topics/${id}/questions`, 201, { question: 'Who signs?', answer: 'The owner.' }),
  }),
  row({
    route: 'GET /v1/faq-questions/{questionId}',
    cold: 1,
    warm: 0,
    setup: newQuestion,
    run: ({ id }) => get(`/v1/faq-questions/${id}`),
  }),
  row({
    route: 'PATCH /v1/faq-questions/{questionId} (answer only)',
    cold: 2,
    warm: 1,
    setup: newQuestion,
    warmUp: ({ id }) => get(`/v1/faq-questions/${id}`),
    run: ({ id }) => send('PATCH', `/v1/faq-questions/${id}`, 200, { answer: 'Very few.' }),
  }),
  row({
    route: 'PATCH /v1/faq-questions/{questionId} (question and answer)',
    cold: 1,
    warm: 1,
    setup: newQuestion,
    warmUp: ({ id }) => get(`/v1/faq-questions/${id}`),
    run: ({ id }) =>
      send('PATCH', `/v1/faq-questions/${id}`, 200, { question: 'How many calls?', answer: 'Very few.' }),
  }),
  row({
    route: 'DELETE /v1/faq-questions/{questionId}',
    cold: 1,
    warm: 1,
    setup: newQuestion,
    consumes: true,
    warmUp: ({ id }) => get(`/v1/faq-questions/${id}`),
    run: ({ id }) => send('DELETE', `/v1/faq-questions/${id}`, 204),
  }),
  row({
    route: 'PUT /v1/faq-questions/{questionId}/topics',
    cold: 1,
    warm: 1,
    setup: newQuestion,
    warmUp: async ({ id, faq }) => {
      await get(`/v1/faq-questions/${id}`)
      await list(`/v1/faqs/${faq}/topics`)
    },
    run: ({ id, topics }) => send('PUT', `/v1/faq-questions/${id}/topics`, 200, { topics }),
  }),

  // The change feed and webhook endpoints: answered from the store.
  row({ route: 'GET /v1/events', cold: 0, warm: 0, run: () => get('/v1/events') }),
  row({ route: 'POST /v1/webhook-endpoints', cold: 0, warm: 0, run: newEndpoint }),
  row({ route: 'GET /v1/webhook-endpoints', cold: 0, warm: 0, run: () => get('/v1/webhook-endpoints') }),
  row({
    route: 'GET /v1/webhook-endpoints/{id}',
    cold: 0,
    warm: 0,
    setup: newEndpoint,
    run: (id) => get(`/v1/webhook-endpoints/${id}`),
  }),
  row({
    route: 'PATCH /v1/webhook-endpoints/{id}',
    cold: 0,
    warm: 0,
    setup: newEndpoint,
    run: (id) => send('PATCH', `/v1/webhook-endpoints/${id}`, 200, { description: 'Changed' }),
  }),
  row({
    route: 'DELETE /v1/webhook-endpoints/{id}',
    cold: 0,
    warm: 0,
    setup: newEndpoint,
    consumes: true,
    run: (id) => send('DELETE', `/v1/webhook-endpoints/${id}`, 204),
  }),
  row({
    route: 'POST /v1/webhook-endpoints/{id}/rotate-secret',
    cold: 0,
    warm: 0,
    setup: newEndpoint,
    run: (id) => send('POST', `/v1/webhook-endpoints/${id}/rotate-secret`, 200),
  }),
  row({
    route: 'GET /v1/webhook-endpoints/{id}/attempts',
    cold: 0,
    warm: 0,
    setup: newEndpoint,
    run: (id) => get(`/v1/webhook-endpoints/${id}/attempts`),
  }),
  row({
    route: 'POST /v1/webhook-endpoints/{id}/replay',
    cold: 0,
    warm: 0,
    setup: newEndpoint,
    run: (id) => send('POST', `/v1/webhook-endpoints/${id}/replay`, 202, { since: '2026-01-01T00:00:00Z' }),
  }),
  row({
    // An endpoint of another key (none here): the receivers of this test are not to be reached.
    route: 'POST /v1/webhook-endpoints/{id}/test',
    cold: 0,
    warm: 0,
    run: () => send('POST', '/v1/webhook-endpoints/we_aaaaaaaaaaaaaaaa/test', 404),
  }),
  row({
    route: 'GET /v1/events/stream',
    cold: 0,
    warm: 0,
    run: async () => {
      // A whole stream: its bound passes on the virtual clock.
      const res = await gw.app.inject({
        method: 'GET',
        url: '/v1/events/stream',
        headers: { authorization: `Bearer ${TEST_KEY}` },
      })
      expect(res.statusCode).toBe(200)
    },
  }),
  // Operations: read from the store. A queued write's own calls are those of its route, made when it runs.
  row({ route: 'GET /v1/operations', cold: 0, warm: 0, setup: ranOperation, run: () => list('/v1/operations') }),
  row({
    route: 'GET /v1/operations/{id}',
    cold: 0,
    warm: 0,
    setup: ranOperation,
    run: (id) => get(`/v1/operations/${id}`),
  }),
  row({
    route: 'DELETE /v1/operations/{id}',
    cold: 0,
    warm: 0,
    setup: ranOperation,
    run: (id) => send('DELETE', `/v1/operations/${id}`, 409),
  }),
]

// ---------------------------------------------------------------------------------------------
// Measuring

/** The upstream calls `run` makes, as `source METHOD path`. */
async function counted(run: () => Promise<unknown>): Promise<string[]> {
  const before = mark(gw.sandbox!)
  await run()
  const calls = callsSince(gw.sandbox!, before)
  return [
    ...described(calls.batchbook).map((c) => `batchbook ${c}`),
    ...described(calls.snappy).map((c) => `snappy ${c}`),
  ]
}

/** Cold: the operation on an empty cache. Warm: again, after the reads it depends on. */
async function measure(r: Row): Promise<{ cold: string[]; warm: string[] }> {
  let target = await r.setup?.()
  await gw.app.upstreams.stores.cache.clear()
  const cold = await counted(() => r.run(target))
  if (r.consumes === true) target = await r.setup?.()
  await r.warmUp?.(target)
  const warm = await counted(() => r.run(target))
  return { cold, warm }
}

/** The rows of the README's table: `[route, cold, warm]`, code spans unwrapped. */
function readmeTable(): string[][] {
  const lines = readFileSync(README, 'utf8').split('\n')
  const start = lines.indexOf(HEADING)
  expect(start, `README.md has no line "${HEADING}"`).toBeGreaterThanOrEqual(0)
  const after = lines.slice(start + 1)
  const next = after.findIndex((line) => line.startsWith('#'))
  const rows = (next === -1 ? after : after.slice(0, next))
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .replace(/^\||\|\s*$/g, '')
        .split('|')
        .map((cell) => cell.trim().replace(/`/g, '')),
    )
  expect(rows[0]).toEqual(['route', 'cold', 'warm'])
  expect(rows[1]!.every((cell) => /^:?-+:?$/.test(cell))).toBe(true)
  return rows.slice(2)
}

/** `METHOD /path` of a row's label (without its query and its case). */
const operationOf = (route: string) => route.split(' (')[0]!.split('?')[0]!

describe('upstream calls per route, cold and warm', () => {
  for (const r of ROWS) {
    it(`${r.route}: ${text(r.cold)} cold, ${text(r.warm)} warm`, async () => {
      const expected = { cold: value(r.cold), warm: value(r.warm) }
      const { cold, warm } = await measure(r)
      expect(cold, 'cold').toHaveLength(expected.cold)
      expect(warm, 'warm').toHaveLength(expected.warm)
    })
  }

  it('include=remote costs no call more', async () => {
    const id = msg(newCommunication())
    for (const path of [
      '/v1/messages?source=batchbook',
      `/v1/messages/${id}`,
      `/v1/conversations/${snappyId('conversation', seededTicket())}`,
    ]) {
      await gw.app.upstreams.stores.cache.clear()
      const plain = await counted(() => get(path))
      await gw.app.upstreams.stores.cache.clear()
      const remote = await counted(() => get(`${path}${path.includes('?') ? '&' : '?'}include=remote`))
      expect(remote, path).toEqual(plain)
    }
  })

  it('never exceeded an upstream limit', () => {
    expect(violations(gw.sandbox!)).toBe(0)
  })
})

describe('the README’s table of costs', () => {
  it('labels each row once', () => {
    const labels = ROWS.map((r) => r.route)
    expect(labels.filter((label, i) => labels.indexOf(label) !== i)).toEqual([])
  })

  it('covers every operation of the OpenAPI document', () => {
    const document = JSON.parse(readFileSync(OPENAPI, 'utf8')) as { paths: Record<string, Record<string, unknown>> }
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ['get', 'put', 'post', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    expect([...new Set(ROWS.map((r) => operationOf(r.route)))].sort()).toEqual(operations.sort())
  })

  it('states exactly the measured costs, row for row', () => {
    expect(readmeTable()).toEqual(ROWS.map((r) => [r.route, text(r.cold), text(r.warm)]))
  })
})
