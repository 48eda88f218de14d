import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
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
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['Problem', 'Message', 'MessageList', 'Participant', 'Source']))
    expect(Object.keys(schemas).some((name) => name.startsWith('def-'))).toBe(false)
  })

  it('gives every operation an operationId, a tag and problem responses', async () => {
    const { body } = await getJson(`${gw.url}/openapi.json`, {})
    const paths = body?.paths as Record<string, Record<string, { operationId?: string; tags?: string[]; responses: Record<string, unknown> }>>
    const operations = Object.values(paths).flatMap((p) => Object.values(p))
    expect(operations.length).toBeGreaterThanOrEqual(3)
    for (const op of operations) {
      expect(op.operationId).toBeTruthy()
      expect(op.tags?.length).toBeGreaterThan(0)
    }
    const list = paths['/v1/messages']?.get
    expect(list?.responses['502']).toMatchObject({ content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } })
  })

  it('keeps the reference page’s CSP strict without upgrading its requests to https', async () => {
    const page = await request(`${gw.url}/docs`)
    await page.body.dump()
    const csp = String(page.headers['content-security-policy'])
    const directives = csp.split(';').map((d) => d.trim())
    expect(directives).toEqual(expect.arrayContaining(["default-src 'self'", "object-src 'none'", "script-src-attr 'none'", "frame-ancestors 'self'", "base-uri 'self'"]))
    expect(directives.find((d) => d.startsWith('script-src '))).toMatch(/^script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')*$/)
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
        expect(Object.keys(op.responses).some((status) => /^4\d\d$/.test(status)), where).toBe(true)
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
    const schemas = (await doc()).components.schemas as Record<string, { properties?: Record<string, { type?: string }>; required?: string[] }>
    const lists = Object.entries(schemas).filter(([, schema]) => schema.properties?.data?.type === 'array')
    expect(lists.length).toBeGreaterThan(10)
    for (const [name, schema] of lists) {
      expect(schema.properties?.nextCursor, name).toBeDefined()
      expect(schema.required, name).toContain('nextCursor')
    }
  })

  it('uses ids in its examples that decode like real ones', async () => {
    const text = JSON.stringify(await doc())
    const ids = [...text.matchAll(/"((msg|conv|ctc|acct|cmt|mbx|stf|doc|att|wpost|wcmt|faq|ftop|fqst)_[A-Za-z0-9_-]+)"/g)].map((m) => m[1] as string)
    expect(ids.length).toBeGreaterThan(10)
    for (const id of ids) {
      const decoded = JSON.parse(Buffer.from(id.slice(id.indexOf('_') + 1), 'base64url').toString('utf8')) as unknown[]
      expect(Array.isArray(decoded) && ['batchbook', 'snappy'].includes(decoded[0] as string), id).toBe(true)
    }
  })
})
