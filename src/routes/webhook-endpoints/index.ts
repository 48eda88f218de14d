/**
 * `/v1/webhook-endpoints`: where a key's events are sent. Endpoints belong to the key that
 * made them (another key's answer 404), can only name connections the key may use, and must
 * point at public addresses (unless WEBHOOK_ALLOW_PRIVATE_NETWORKS). The signing secret is
 * answered once, when made or rotated.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import {
  WebhookAttemptListSchema,
  WebhookEndpointInputSchema,
  WebhookEndpointListSchema,
  WebhookEndpointPatchSchema,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
  WebhookReplayInputSchema,
  WebhookReplaySchema,
  WebhookTestSchema,
  type WebhookEndpointInput,
  type WebhookEndpointPatch,
  type WebhookReplayInput,
} from '../../schemas/event.js'
import { ref } from '../../schemas/ref.js'
import { problemResponses } from '../../schemas/responses.js'
import { DEFAULT_PAGE_SIZE, pageQuery } from '../../schemas/snappy-common.js'

const ENDPOINT_ID = '^we_[A-Za-z0-9_-]{16}$'
const Params = Type.Object(
  { id: Type.String({ pattern: ENDPOINT_ID, description: 'A webhook endpoint id (`we_…`).' }) },
  { additionalProperties: false },
)
type P = Static<typeof Params>
const PROBLEMS = problemResponses(400, 401, 404, 503)
const WRITE_PROBLEMS = problemResponses(400, 401, 403, 404, 422, 503)

function keyOf(request: FastifyRequest): string {
  return request.caller?.name ?? ''
}

/** The connections asked for, each one the key may use (403 otherwise). */
function connectionsOf(request: FastifyRequest, names: string[] | null | undefined): string[] | null | undefined {
  if (names === undefined || names === null) return names
  return names.map((name) => request.namedConnection(name, 'body/connections').connection.name)
}

export default async function webhookEndpointRoutes(app: FastifyInstance): Promise<void> {
  const webhooks = () => app.records.webhooks

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
      const body = request.body
      const connections = connectionsOf(request, body.connections)
      const endpoint = await webhooks().create(keyOf(request), {
        url: body.url,
        ...(body.description === undefined ? {} : { description: body.description }),
        ...(body.eventTypes === undefined ? {} : { eventTypes: body.eventTypes }),
        ...(connections === undefined ? {} : { connections }),
      })
      return reply.code(201).header('location', `/v1/webhook-endpoints/${endpoint.id}`).send(endpoint)
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
    async (request) => ({ data: await webhooks().list(keyOf(request)), nextCursor: null }),
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
    async (request) => webhooks().get(request.params.id, keyOf(request)),
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
      const { connections, ...body } = request.body
      const allowed = connectionsOf(request, connections)
      return webhooks().update(request.params.id, keyOf(request), {
        ...body,
        ...(allowed === undefined ? {} : { connections: allowed }),
      })
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
      await webhooks().remove(request.params.id, keyOf(request))
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
    async (request) => webhooks().rotateSecret(request.params.id, keyOf(request)),
  )

  app.post<{ Params: P }>(
    '/v1/webhook-endpoints/:id/test',
    {
      schema: {
        operationId: 'testWebhookEndpoint',
        summary: 'Send a test event',
        description:
          'Sends the endpoint a signed event of type `webhook_endpoint.test` now, its object the endpoint, and answers what the receiver said. ' +
          'Sent even to a disabled endpoint; never in the feed or among the attempts, never retried.',
        tags: ['Webhooks'],
        params: Params,
        response: { 200: ref(WebhookTestSchema), ...PROBLEMS },
      },
    },
    async (request) => webhooks().test(request.params.id, keyOf(request)),
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
    async (request) =>
      webhooks().attempts(
        request.params.id,
        keyOf(request),
        request.query.cursor,
        request.query.limit ?? DEFAULT_PAGE_SIZE,
      ),
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
      const connections = request.usableConnections().map((a) => a.connection.name)
      const queued = await webhooks().replay(request.params.id, keyOf(request), request.body, connections)
      return reply.code(202).send({ queued })
    },
  )
}
