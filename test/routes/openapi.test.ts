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
