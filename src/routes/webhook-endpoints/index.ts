/**
 * `/v1/webhook-endpoints`: where a key's events are sent. Endpoints belong to the key that
 * made them (another key's answer 404), can only name connections the key may use, and must
 * point at public addresses (unless WEBHOOK_ALLOW_PRIVATE_NETWORKS). The signing secret is
 * answered once, when made or rotated.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import { invalidField, notFound } from '../../errors.js'
import {
  WebhookAttemptListSchema,
  WebhookEndpointInputSchema,
  WebhookEndpointListSchema,
  WebhookEndpointPatchSchema,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
  WebhookReplayInputSchema,
  WebhookReplaySchema,
  type WebhookEndpointInput,
  type WebhookEndpointPatch,
  type WebhookReplayInput,
} from '../../schemas/event.js'
import { ref } from '../../schemas/ref.js'
import { problemResponses } from '../../schemas/responses.js'
import { DEFAULT_PAGE_SIZE, pageQuery } from '../../schemas/snappy-common.js'
import {
  EVENT_TYPES,
  decodeAttemptsCursor,
  decodeFeedCursor,
  encodeAttemptsCursor,
  requireStore,
} from '../../events/feed.js'
import { type EndpointPatch, type WebhookEndpoint, checkWebhookTarget, parseWebhookUrl } from '../../webhooks/index.js'

const ENDPOINT_ID = '^we_[A-Za-z0-9_-]{16}$'
const Params = Type.Object(
  { id: Type.String({ pattern: ENDPOINT_ID, description: 'A webhook endpoint id (`we_…`).' }) },
  { additionalProperties: false },
)
type P = Static<typeof Params>
const PROBLEMS = problemResponses(400, 401, 404, 503)
const WRITE_PROBLEMS = problemResponses(400, 401, 403, 404, 422, 503)

function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`
}

function keyOf(request: FastifyRequest): string {
  return request.caller?.name ?? ''
}

/** The event types asked for: known ones, or `*`. */
function eventTypes(types: string[] | undefined, path: string): string[] {
  if (types === undefined) return ['*']
  for (const type of types) {
    if (type !== '*' && !(EVENT_TYPES as readonly string[]).includes(type))
      throw invalidField(path, `'${type}' is not an event type`, `Event types are ${EVENT_TYPES.join(', ')} (or *)`)
  }
  return [...new Set(types)]
}

/** The connections asked for, each one the key may use (403 otherwise). */
function connectionsOf(request: FastifyRequest, names: string[] | null | undefined): string[] | null {
  if (names === undefined || names === null) return null
  return names.map((name) => request.namedConnection(name, 'body/connections').connection.name)
}

async function targetOf(app: FastifyInstance, value: string): Promise<string> {
  const url = parseWebhookUrl(value)
  await checkWebhookTarget(url, app.config.events.webhooks.allowPrivateNetworks)
  return url.href
}

export default async function webhookEndpointRoutes(app: FastifyInstance): Promise<void> {
  const found = async (request: FastifyRequest<{ Params: P }>): Promise<WebhookEndpoint> => {
    const endpoint = await requireStore(app).webhooks.get(request.params.id, keyOf(request))
    if (endpoint === undefined) throw notFound('No webhook endpoint of this key has that id')
    return endpoint
  }

  app.post<{ Body: WebhookEndpointInput }>(
    '/v1/webhook-endpoints',
    {
      schema: {
        operationId: 'createWebhookEndpoint',
        summary: 'Create a webhook endpoint',
        description:
          'Events of the key’s connections (all, or those named) are POSTed to `url`, signed as the Standard Webhooks specification says, with the `secret` answered here once. ' +
          'The URL must be http(s) and resolve to public addresses (checked now and on every connection).',
        tags: ['Webhooks'],
        body: ref(WebhookEndpointInputSchema),
        response: { 201: ref(WebhookEndpointWithSecretSchema), ...WRITE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const store = requireStore(app)
      const body = request.body
      const types = eventTypes(body.eventTypes, 'body/eventTypes')
      const connections = connectionsOf(request, body.connections)
      const url = await targetOf(app, body.url)
      const secret = newSecret()
      const endpoint = await store.webhooks.create({
        id: `we_${randomBytes(12).toString('base64url')}`,
        keyName: keyOf(request),
        url,
        description: body.description ?? null,
        eventTypes: types,
        connections,
        secret,
      })
      return reply
        .code(201)
        .header('location', `/v1/webhook-endpoints/${endpoint.id}`)
        .send({ ...endpoint, secret })
    },
  )

  app.get(
    '/v1/webhook-endpoints',
    {
      schema: {
        operationId: 'listWebhookEndpoints',
        summary: 'List the key’s webhook endpoints',
        description: 'Every endpoint this API key made, in one page, without their secrets.',
        tags: ['Webhooks'],
        response: { 200: ref(WebhookEndpointListSchema), ...problemResponses(401, 503) },
      },
    },
    async (request) => ({ data: await requireStore(app).webhooks.list(keyOf(request)), nextCursor: null }),
  )

  app.get<{ Params: P }>(
    '/v1/webhook-endpoints/:id',
    {
      schema: {
        operationId: 'getWebhookEndpoint',
        summary: 'Get a webhook endpoint',
        description: 'One of the key’s endpoints, without its secret.',
        tags: ['Webhooks'],
        params: Params,
        response: { 200: ref(WebhookEndpointSchema), ...PROBLEMS },
      },
    },
    found,
  )

  app.patch<{ Params: P; Body: WebhookEndpointPatch }>(
    '/v1/webhook-endpoints/:id',
    {
      schema: {
        operationId: 'updateWebhookEndpoint',
        summary: 'Change a webhook endpoint',
        description:
          'Changes its URL, description, event types or connections, or disables it (`enabled: false`) and enables it again; deliveries held while it was disabled go out once it is enabled.',
        tags: ['Webhooks'],
        params: Params,
        body: ref(WebhookEndpointPatchSchema),
        response: { 200: ref(WebhookEndpointSchema), ...WRITE_PROBLEMS },
      },
    },
    async (request) => {
      await found(request)
      const body = request.body
      const patch: EndpointPatch = {}
      if (body.url !== undefined) patch.url = await targetOf(app, body.url)
      if (body.description !== undefined) patch.description = body.description
      if (body.eventTypes !== undefined) patch.eventTypes = eventTypes(body.eventTypes, 'body/eventTypes')
      if (body.connections !== undefined) patch.connections = connectionsOf(request, body.connections)
      if (body.enabled !== undefined) patch.enabled = body.enabled
      return requireStore(app).webhooks.update(request.params.id, keyOf(request), patch)
    },
  )

  app.delete<{ Params: P }>(
    '/v1/webhook-endpoints/:id',
    {
      schema: {
        operationId: 'deleteWebhookEndpoint',
        summary: 'Delete a webhook endpoint',
        description: 'Stops its deliveries, also those pending.',
        tags: ['Webhooks'],
        params: Params,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...PROBLEMS },
      },
    },
    async (request, reply) => {
      if (!(await requireStore(app).webhooks.remove(request.params.id, keyOf(request))))
        throw notFound('No webhook endpoint of this key has that id')
      return reply.code(204).send()
    },
  )

  app.post<{ Params: P }>(
    '/v1/webhook-endpoints/:id/rotate-secret',
    {
      schema: {
        operationId: 'rotateWebhookSecret',
        summary: 'Rotate a webhook endpoint’s secret',
        description: 'A new signing secret, answered this once; deliveries from now on are signed with it.',
        tags: ['Webhooks'],
        params: Params,
        response: { 200: ref(WebhookEndpointWithSecretSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const endpoint = await found(request)
      const secret = newSecret()
      await requireStore(app).webhooks.setSecret(endpoint.id, keyOf(request), secret)
      return { ...endpoint, secret }
    },
  )

  const AttemptQuery = Type.Object(
    { limit: pageQuery.limit, cursor: Type.Optional(Type.String({ maxLength: 200 })) },
    { additionalProperties: false },
  )
  app.get<{ Params: P; Querystring: Static<typeof AttemptQuery> }>(
    '/v1/webhook-endpoints/:id/attempts',
    {
      schema: {
        operationId: 'listWebhookAttempts',
        summary: 'List delivery attempts',
        description: 'The endpoint’s delivery attempts, newest first, with the receiver’s status or the error.',
        tags: ['Webhooks'],
        params: Params,
        querystring: AttemptQuery,
        response: { 200: ref(WebhookAttemptListSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const endpoint = await found(request)
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE
      const before = request.query.cursor === undefined ? null : decodeAttemptsCursor(request.query.cursor)
      const rows = await requireStore(app).webhooks.attempts(endpoint.id, before, limit)
      const data = rows.slice(0, limit)
      const last = data.at(-1)
      return {
        data: data.map((a) => ({ ...a, id: String(a.id) })),
        nextCursor: rows.length > limit && last !== undefined ? encodeAttemptsCursor(last.id) : null,
      }
    },
  )

  app.post<{ Params: P; Body: WebhookReplayInput }>(
    '/v1/webhook-endpoints/:id/replay',
    {
      schema: {
        operationId: 'replayWebhookEvents',
        summary: 'Resend events',
        description:
          'Queues again, for this endpoint, every event it wants after a point in the log: a time (`since`) or a feed cursor. ' +
          'Each is sent with its original `webhook-id`, so a receiver that already has it can tell.',
        tags: ['Webhooks'],
        params: Params,
        body: ref(WebhookReplayInputSchema),
        response: { 202: ref(WebhookReplaySchema), ...problemResponses(400, 401, 404, 410, 503) },
      },
    },
    async (request, reply) => {
      const store = requireStore(app)
      const endpoint = await found(request)
      const body = request.body
      const after =
        body.cursor !== undefined ? decodeFeedCursor(body.cursor) : await store.events.seqBefore(body.since as string)
      const connections = request.usableConnections().map((a) => a.connection.name)
      const queued = await store.webhooks.replay(endpoint.id, keyOf(request), after, connections)
      return reply.code(202).send({ queued })
    },
  )
}
