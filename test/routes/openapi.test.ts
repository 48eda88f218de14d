import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { codesOf } from '../../src/errors.js'
import { getJson, startGateway, type RunningGateway } from '../helpers/gateway.js'

let gw: RunningGateway

beforeAll(async () => {
  gw = await startGateway()
})
afterAll(async () => gw.close())

describe('OpenAPI document and reference page', () => {
  it('serves an OpenAPI 3.1 document with named components', async () => {
    const { status, body } = await getJson(`${gw.url}/openapi.json`, {})
    expect(status).toBe(200)
    expect(body?.openapi).toBe('3.1.0')
    const schemas = (body?.components as { schemas: Record<string, unknown> }).schemas
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining(['Problem', 'Message', 'MessageList', 'Participant', 'Source']),
    )
    expect(Object.keys(schemas).some((name) => name.startsWith('def-'))).toBe(false)
  })

  it('gives every operation an operationId, a tag and problem responses', async () => {
    const { body } = await getJson(`${gw.url}/openapi.json`, {})
    const paths = body?.paths as Record<
      string,
      Record<string, { operationId?: string; tags?: string[]; responses: Record<string, unknown> }>
    >
    const operations = Object.values(paths).flatMap((p) => Object.values(p))
    expect(operations.length).toBeGreaterThanOrEqual(3)
    for (const op of operations) {
      expect(op.operationId).toBeTruthy()
      expect(op.tags?.length).toBeGreaterThan(0)
    }
    const list = paths['/v1/messages']?.get
    // Problem responses are shared under components/responses; follow the reference.
    const shared = (body?.components as { responses: Record<string, unknown> }).responses
    const resolve = (response: unknown) => {
      const ref = (response as { $ref?: string } | undefined)?.$ref
      return ref === undefined ? response : shared[ref.replace('#/components/responses/', '')]
    }
    expect(resolve(list?.responses['502'])).toMatchObject({
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    })
  })

  it('keeps the reference page’s CSP strict without upgrading its requests to https', async () => {
    const page = await request(`${gw.url}/docs`)
    await page.body.dump()
    const csp = String(page.headers['content-security-policy'])
    const directives = csp.split(';').map((d) => d.trim())
    expect(directives).toEqual(
      expect.arrayContaining([
        "default-src 'self'",
        "object-src 'none'",
        "script-src-attr 'none'",
        "frame-ancestors 'self'",
        "base-uri 'self'",
      ]),
    )
    expect(directives.find((d) => d.startsWith('script-src '))).toMatch(
      /^script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')*$/,
    )
    expect(csp).not.toContain('upgrade-insecure-requests')
  })

  it('serves the reference page and its scripts from the installed package', async () => {
    const page = await request(`${gw.url}/docs`)
    const html = await page.body.text()
    expect(page.statusCode).toBe(200)
    const scripts = [...html.matchAll(/src="([^"]+\.js)"/g)].map((m) => m[1] as string)
    expect(scripts.length).toBeGreaterThan(0)
    for (const script of scripts) {
      expect(script).not.toMatch(/^(https?:)?\/\//)
      const js = await request(new URL(script, gw.url).toString())
      expect(js.statusCode).toBe(200)
      expect((await js.body.arrayBuffer()).byteLength).toBeGreaterThan(0)
    }
  })
})

interface Operation {
  summary?: string
  responses: Record<string, unknown>
  security?: unknown[]
}
interface Document {
  security: unknown[]
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, { examples?: unknown[] }> }
}

describe('OpenAPI document quality', () => {
  const doc = async () => (await getJson(`${gw.url}/openapi.json`, {})).body as unknown as Document

  it('gives every operation a summary, a 4xx problem response and a security requirement', async () => {
    const document = await doc()
    expect(document.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }])
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`
        expect(op.summary, where).toBeTruthy()
        expect(
          Object.keys(op.responses).some((status) => /^4\d\d$/.test(status)),
          where,
        ).toBe(true)
        // Public routes opt out explicitly; every other operation inherits the global requirement.
        if (op.security !== undefined) expect(op.security, where).toEqual([])
      }
    }
  })

  it('documents every shared schema as a named component with examples', async () => {
    const document = await doc()
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      expect(schema.examples?.length, name).toBeGreaterThan(0)
    }
  })

  it('documents a required nextCursor on every list', async () => {
    const schemas = (await doc()).components.schemas as Record<
      string,
      { properties?: Record<string, { type?: string }>; required?: string[] }
    >
    const lists = Object.entries(schemas).filter(([, schema]) => schema.properties?.data?.type === 'array')
    expect(lists.length).toBeGreaterThan(10)
    for (const [name, schema] of lists) {
      expect(schema.properties?.nextCursor, name).toBeDefined()
      expect(schema.required, name).toContain('nextCursor')
    }
  })

  it('uses ids in its examples that decode like real ones', async () => {
    const text = JSON.stringify(await doc())
    const ids = [
      ...text.matchAll(/"((msg|conv|ctc|acct|cmt|mbx|stf|doc|att|wpost|wcmt|faq|ftop|fqst)_[A-Za-z0-9_-]+)"/g),
    ].map((m) => m[1] as string)
    expect(ids.length).toBeGreaterThan(10)
    for (const id of ids) {
      const decoded = JSON.parse(Buffer.from(id.slice(id.indexOf('_') + 1), 'base64url').toString('utf8')) as unknown[]
      expect(Array.isArray(decoded) && ['batchbook', 'snappy'].includes(decoded[0] as string), id).toBe(true)
    }
  })
})

describe('OpenAPI document for generated clients', () => {
  type Json = Record<string, unknown>
  const doc = async () => (await getJson(`${gw.url}/openapi.json`, {})).body as unknown as Json
  const operationsOf = (document: Json) =>
    Object.entries(
      document.paths as Record<string, Record<string, { responses: Record<string, Json>; requestBody?: Json }>>,
    ).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, method, path, op })),
    )
  const sharedResponses = (document: Json) => (document.components as { responses: Record<string, Json> }).responses
  const resolved = (document: Json, response: Json): Json => {
    const ref = response.$ref
    return typeof ref === 'string'
      ? (sharedResponses(document)[ref.replace('#/components/responses/', '')] as Json)
      : response
  }

  it('shares one problem response per status, with an example of each of its codes', async () => {
    const document = await doc()
    for (const { where, op } of operationsOf(document)) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400 && (response.content as Json | undefined)?.['application/problem+json'] !== undefined)
          expect.fail(`${where} ${status} is not shared`)
      }
    }
    const shared = Object.entries(sharedResponses(document)).filter(([name]) => name !== 'WriteAccepted')
    expect(shared.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'BadRequest',
        'NotFound',
        'TooManyRequests',
        'BadGateway',
        'ServiceUnavailable',
        'GatewayTimeout',
      ]),
    )
    for (const [name, response] of shared) {
      const media = (
        response.content as Record<string, { examples: Record<string, { value: { code: string; status: number } }> }>
      )['application/problem+json']
      const examples = Object.entries(media?.examples ?? {})
      const status = examples[0]?.[1].value.status as number
      expect(
        examples.map(([code]) => code),
        name,
      ).toEqual(codesOf(status))
      for (const [code, example] of examples)
        expect(example.value, `${name} ${code}`).toMatchObject({
          code,
          status,
          type: `urn:switchboard:problem:${code}`,
        })
      for (const code of codesOf(status)) expect(response.description, name).toContain(`\`${code}\``)
    }
    const statuses = new Set(
      shared.map(
        ([, response]) =>
          Object.values(
            (response.content as Record<string, { examples: Record<string, { value: { status: number } }> }>)[
              'application/problem+json'
            ]?.examples ?? {},
          )[0]?.value.status,
      ),
    )
    expect(statuses.size).toBe(shared.length)
  })

  it('declares the headers the gateway sends', async () => {
    const document = await doc()
    const headersOf = (response: Json) => Object.keys((response.headers as Json | undefined) ?? {})
    for (const { where, method, op } of operationsOf(document)) {
      for (const [status, raw] of Object.entries(op.responses)) {
        const response = resolved(document, raw)
        const headers = headersOf(response)
        expect(headers, `${where} ${status}`).toContain('X-Request-Id')
        if (status === '201') expect(headers, `${where} ${status}`).toContain('Location')
        const media = Object.keys((response.content as Json | undefined) ?? {})
        if (method === 'get' && status === '200' && media.includes('application/json'))
          expect(headers, `${where} ${status}`).toContain('ETag')
      }
    }
    const shared = sharedResponses(document)
    expect(headersOf(shared.TooManyRequests as Json)).toEqual(
      expect.arrayContaining(['Retry-After', 'X-RateLimit-Remaining']),
    )
    expect(headersOf(shared.ServiceUnavailable as Json)).toContain('Retry-After')
    expect(headersOf(shared.MethodNotAllowed as Json)).toContain('Allow')
    const list = (document.paths as Record<string, Record<string, { responses: Record<string, Json> }>>)['/v1/messages']
      ?.get?.responses['200'] as Json
    expect(headersOf(list)).toEqual(
      expect.arrayContaining([
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
        'X-RateLimit-Resource',
        'ETag',
      ]),
    )
    const headers = (document.components as { headers: Record<string, unknown> }).headers
    expect(Object.keys(headers)).toEqual(
      expect.arrayContaining(['XRequestId', 'Location', 'ETag', 'RetryAfter', 'XRateLimitLimit']),
    )
  })

  it('writes enums as enum, never as a union of one-value constants', async () => {
    const unions: string[] = []
    const visit = (node: unknown, at: string): void => {
      if (node === null || typeof node !== 'object') return
      for (const key of ['anyOf', 'oneOf'] as const) {
        const members = (node as Json)[key]
        if (
          Array.isArray(members) &&
          members.length > 1 &&
          members.every(
            (m) =>
              (m as Json).const !== undefined ||
              (Array.isArray((m as Json).enum) && ((m as Json).enum as unknown[]).length === 1),
          )
        )
          unions.push(at)
      }
      for (const [key, value] of Object.entries(node)) visit(value, `${at}/${key}`)
    }
    visit(await doc(), '#')
    expect(unions).toEqual([])
  })

  it('describes every response', async () => {
    expect(JSON.stringify(await doc())).not.toContain('Default Response')
  })

  it('names the create body and the participants it carries', async () => {
    const document = await doc()
    const create = (
      document.paths as Record<string, Record<string, { requestBody: { content: Record<string, { schema: Json }> } }>>
    )['/v1/messages']?.post
    expect(create?.requestBody.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/MessageInput',
    })
    const schemas = (document.components as { schemas: Record<string, Json> }).schemas
    expect(schemas.MessageInput).toMatchObject({
      discriminator: {
        propertyName: 'source',
        mapping: {
          batchbook: '#/components/schemas/BatchBookMessageInput',
          snappy: '#/components/schemas/SnappyMessageInput',
        },
      },
    })
    expect(((schemas.BatchBookMessageInput?.properties as Record<string, Json>).participants?.items as Json).$ref).toBe(
      '#/components/schemas/ParticipantInput',
    )
  })
})
