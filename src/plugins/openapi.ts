/**
 * The OpenAPI 3.1 document, generated from the route schemas, at `/openapi.json`, and an
 * interactive reference at `/docs` served from the installed package (no CDN).
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { addDiscriminatorMappings } from './openapi-discriminators.js'
import { shareResponses } from './openapi-responses.js'
import type { EventsConfig } from '../config.js'
import { describeDuration } from '../durations.js'
import { ICON_SVG, LOGO_SVG } from '../brand.js'
import { VERSION } from '../version.js'

const OPENAPI_INFO = {
  title: 'Switchboard API',
  version: VERSION,
  license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
  contact: { name: 'Switchboard maintainers' },
  description:
    'One normalized JSON API over the BatchBook CRM and the Snappy helpdesk. A BatchBook communication and a Snappy note are both a **Message**. ' +
    'Errors are RFC 9457 problems with a stable `code`. Lists answer `{ data, nextCursor }`; pass `nextCursor` back as `cursor`. ' +
    'This document: [/openapi.json](/openapi.json); what changed between versions: `CHANGELOG.md`.',
}

/** The hash of the inline style Swagger UI's script inserts (checked in a browser by test/browser/docs.test.ts). */
const SWAGGER_UI_INLINE_STYLE = 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='

type Json = Record<string, unknown>

/**
 * A request body whose schema has several examples (a BatchBook and a Snappy message) gets
 * them as named examples of its media type, so the docs page offers each, not only the first.
 */
function addBodyExamples<T extends Json>(document: T): T {
  const schemas = ((document.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>
  for (const item of Object.values((document.paths ?? {}) as Record<string, Record<string, Json>>)) {
    for (const operation of Object.values(item)) {
      const media = ((operation.requestBody as Json | undefined)?.content as Record<string, Json> | undefined)?.[
        'application/json'
      ]
      const ref = (media?.schema as { $ref?: string } | undefined)?.$ref
      const examples = ref === undefined ? undefined : (schemas[ref.split('/').pop() as string]?.examples as unknown[])
      if (media === undefined || !Array.isArray(examples) || examples.length < 2) continue
      media.examples = Object.fromEntries(
        examples.map((value, i) => {
          const source = (value as { source?: unknown }).source
          const name = typeof source === 'string' ? source : `example${i + 1}`
          return [name, { summary: typeof source === 'string' ? `A ${source} message` : `Example ${i + 1}`, value }]
        }),
      )
    }
  }
  return document
}

/**
 * The payloads a webhook endpoint receives, one entry per kind of record, so generated clients
 * type them. Each is POSTed with the Standard Webhooks headers.
 */
const WEBHOOK_HEADERS = [
  { name: 'webhook-id', description: 'The event id: the same on every retry and replay, to deduplicate by.' },
  { name: 'webhook-timestamp', description: 'When this attempt was signed, in Unix seconds.' },
  {
    name: 'webhook-signature',
    description:
      '`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` with the endpoint’s secret (Standard Webhooks).',
  },
].map((h) => ({ ...h, in: 'header' as const, required: true, schema: { type: 'string' as const } }))

function webhook(schema: string, summary: string, delivery: EventsConfig['webhooks']) {
  return {
    post: {
      operationId: `on${schema}`,
      summary,
      description:
        `${summary} Answer 2xx within ${describeDuration(delivery.timeoutMs)}; anything else is retried with exponential backoff and jitter ` +
        `for ${describeDuration(delivery.retryForMs)}, after which the endpoint is disabled.`,
      tags: ['Webhooks'],
      parameters: WEBHOOK_HEADERS,
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
      },
      responses: {
        '200': { description: 'Received.' },
        '400': { description: 'Not accepted (the signature did not verify); retried.' },
      },
      security: [],
    },
  }
}

/** The webhooks section, its limits as this gateway's configuration sets them. */
function webhooks(delivery: EventsConfig['webhooks']) {
  return {
    message: webhook('MessageEvent', 'A message was created, changed or deleted.', delivery),
    conversation: webhook('ConversationEvent', 'A conversation was created, changed or deleted.', delivery),
    webhookEndpoint: webhook('WebhookEndpointEvent', 'A webhook endpoint of the key was disabled.', delivery),
    operation: webhook(
      'OperationEvent',
      'A queued write of the key ran: it succeeded, failed, or its outcome is unknown.',
      delivery,
    ),
  }
}

async function openapi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      servers: [{ url: '/', description: 'This Switchboard instance' }],
      tags: [
        { name: 'Messages', description: 'BatchBook communications and Snappy notes, normalized.' },
        { name: 'Conversations', description: 'Snappy tickets, their notes, tags, status and attachments.' },
        { name: 'Contacts', description: 'Snappy contacts.' },
        { name: 'Accounts', description: 'Snappy accounts, their mailboxes and staff.' },
        { name: 'Documents', description: 'Files kept in a Snappy account.' },
        { name: 'Wall', description: 'The team wall of a Snappy account.' },
        { name: 'FAQs', description: 'Snappy FAQs, their topics and questions.' },
        { name: 'Sources', description: 'Configured upstream connections.' },
        { name: 'Events', description: 'The change feed: what changed, in order, resumable.' },
        { name: 'Webhooks', description: 'Endpoints that receive the change feed as it happens.' },
        { name: 'Operations', description: 'Writes queued with `Prefer: respond-async`, and what became of them.' },
        { name: 'Service', description: 'Health, metrics and documentation.' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Your Switchboard API key.' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Your Switchboard API key.' },
        },
      },
      security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
      webhooks: webhooks(app.config.events.webhooks),
    },
    transformObject: (documents) =>
      addBodyExamples(
        shareResponses(
          addDiscriminatorMappings(
            ('openapiObject' in documents ? documents.openapiObject : documents.swaggerObject) as Record<
              string,
              unknown
            >,
          ),
        ),
      ),
    // Shared schemas keep their $id as the component name instead of def-N.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  })

  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger())

  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true }
    })
    await docs.register(swaggerUi, {
      routePrefix: '/docs',
      theme: {
        title: 'Switchboard API reference',
        favicon: [{ filename: 'switchboard.svg', rel: 'icon', type: 'image/svg+xml', sizes: 'any', content: ICON_SVG }],
      },
      logo: { type: 'image/svg+xml', content: LOGO_SVG, href: '/docs' },
      uiConfig: { deepLinking: true, tryItOutEnabled: true, persistAuthorization: true, displayOperationId: true },
      // The page loads only its own bundled assets from this server.
      staticCSP: true,
      // Without `upgrade-insecure-requests`: over plain HTTP on any host but loopback, the browser
      // would ask for every asset over https, which this server does not speak, and show a blank page.
      // And with the one inline style Swagger UI's script adds (its stylesheet for the code
      // highlighter), allowed by its hash rather than by 'unsafe-inline'.
      transformStaticCSP: (header) =>
        header
          .split(';')
          .map((directive) => directive.trim())
          .filter((directive) => directive !== '' && directive !== 'upgrade-insecure-requests')
          .map((directive) =>
            directive.startsWith('style-src ') ? `${directive} '${SWAGGER_UI_INLINE_STYLE}'` : directive,
          )
          .join('; '),
    })
  })
}

export default fp(openapi, { name: 'openapi' })
