import { Readable } from 'node:stream'
import { FormData, request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeId } from '../../../src/ids.js'
import { TEST_KEY, type RunningGateway } from '../../helpers/gateway.js'
import {
  CRM_KEY,
  PRAEKELT,
  WCL,
  batchbookId,
  call,
  secretsIn,
  snappyId,
  startSnappyGateway,
} from '../../upstreams/snappy/e2e.js'

const MAX = 64 * 1024
let gw: RunningGateway
const store = () => gw.sandbox!.snappy.simulator.store
const stats = () => gw.sandbox!.snappy.simulator.stats
type Doc = { id: string; remoteId: string; filename: string; contentType: string; size: number; downloadUrl: string }
type List<T> = { data: T[]; nextCursor: string | null }
const auth = { authorization: `Bearer ${TEST_KEY}` }

beforeAll(async () => {
  gw = await startSnappyGateway({ uploads: { maxBytes: MAX } })
})
afterAll(async () => gw.close())

async function upload(account: string, form: FormData, key = TEST_KEY) {
  const res = await request(`${gw.url}/v1/accounts/${account}/documents`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${key}` },
  })
  const text = await res.body.text()
  return {
    status: res.statusCode,
    headers: res.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown>,
  }
}

/** A multipart body sent chunked (no Content-Length), so only the streaming bound can stop it. */
function chunkedForm(size: number): { body: Readable; type: string } {
  const boundary = 'xBOUNDARYx'
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  async function* parts() {
    yield head
    for (let sent = 0; sent < size; sent += 16 * 1024) yield Buffer.alloc(Math.min(16 * 1024, size - sent), 7)
    yield tail
  }
  return { body: Readable.from(parts()), type: `multipart/form-data; boundary=${boundary}` }
}

describe('documents', () => {
  it('lists an account’s documents without storage keys', async () => {
    const res = await call<List<Doc>>(gw, 'GET', `/v1/accounts/${WCL}/documents`)
    expect(res.status).toBe(200)
    expect(res.body.data.map((d) => d.remoteId)).toEqual(
      store()
        .documents.documentsOf(3249)
        .map((d) => String(d.id)),
    )
    for (const d of res.body.data) {
      expect(decodeId('document', d.id, 2).parts).toEqual(['3249', d.remoteId])
      expect(d.downloadUrl).toBe(`/v1/documents/${d.id}/content`)
    }
    expect(secretsIn(res.body)).toEqual([])
  })

  it('uploads a file with tags (sent after the file) and downloads it again', async () => {
    const bytes = Buffer.from('name,email\nJosé Núñez,jose@example.mx\n', 'utf8')
    const form = new FormData()
    form.append('document', new Blob([bytes], { type: 'text/csv' }), 'contacts (été).csv')
    form.append('tags', JSON.stringify(['import', 'q3']))
    const res = await upload(WCL, form)
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      filename: 'contacts (été).csv',
      contentType: 'text/csv',
      size: bytes.length,
      accountId: WCL,
    })
    expect(res.headers.location).toBe(`/v1/documents/${res.body.id as string}`)
    const stored = store().documents.documents.get(Number(res.body.remoteId))!
    expect(stored.tags).toEqual(['import', 'q3'])

    expect((await call<Doc>(gw, 'GET', `/v1/documents/${res.body.id as string}`)).body).toEqual(res.body)
    const listed = await call<List<Doc>>(gw, 'GET', `/v1/accounts/${WCL}/documents?limit=100`)
    expect(listed.body.data.map((d) => d.id)).toContain(res.body.id)

    const download = await request(`${gw.url}${res.body.downloadUrl as string}`, { headers: auth })
    expect(download.statusCode).toBe(200)
    expect(download.headers['content-type']).toBe('text/csv')
    expect(download.headers['content-length']).toBe(String(bytes.length))
    expect(Buffer.from(await download.body.arrayBuffer()).equals(bytes)).toBe(true)
  })

  it('takes one tag per field too', async () => {
    const form = new FormData()
    form.append('tags', 'contracts')
    form.append('tags', '2024')
    form.append('document', new Blob(['%PDF-1.4'], { type: 'application/pdf' }), 'c.pdf')
    const res = await upload(PRAEKELT, form)
    expect(res.status).toBe(201)
    expect(store().documents.documents.get(Number(res.body.remoteId))!.tags).toEqual(['contracts', '2024'])
  })

  it('refuses a declared oversized upload with 413 before any upstream call', async () => {
    const before = stats().requests
    const form = new FormData()
    form.append('document', new Blob([Buffer.alloc(MAX * 3)]), 'big.bin')
    expect(await upload(WCL, form)).toMatchObject({ status: 413, body: { code: 'payload_too_large' } })
    expect(stats().requests).toBe(before)
  })

  it('stops a chunked upload at the bound with 413, and Snappy keeps no document', async () => {
    const count = store().documents.documentsOf(3249).length
    const { body, type } = chunkedForm(MAX * 4)
    const res = await request(`${gw.url}/v1/accounts/${WCL}/documents`, {
      method: 'POST',
      body,
      headers: { ...auth, 'content-type': type },
    })
    expect(res.statusCode).toBe(413)
    expect(JSON.parse(await res.body.text())).toMatchObject({ code: 'payload_too_large' })
    expect(store().documents.documentsOf(3249)).toHaveLength(count)
  })

  it('validates the upload before any upstream call', async () => {
    const before = stats().requests
    const noFile = new FormData()
    noFile.append('tags', '["x"]')
    expect(await upload(WCL, noFile)).toMatchObject({ status: 400, body: { code: 'validation_failed' } })
    const badTags = new FormData()
    badTags.append('tags', '["ok", 5]')
    badTags.append('document', new Blob(['x']), 'x.txt')
    expect(await upload(WCL, badTags)).toMatchObject({ status: 400, body: { code: 'validation_failed' } })
    expect(await call(gw, 'POST', `/v1/accounts/${WCL}/documents`, { json: { document: 'x' } })).toMatchObject({
      status: 415,
      body: { code: 'unsupported_media_type' },
    })
    const form = new FormData()
    form.append('document', new Blob(['x']), 'x.txt')
    expect(await upload(batchbookId('account', 'acme'), form)).toMatchObject({ status: 405 })
    const form2 = new FormData()
    form2.append('document', new Blob(['x']), 'x.txt')
    expect(await upload(WCL, form2, CRM_KEY)).toMatchObject({ status: 403 })
    expect(stats().requests).toBe(before)
  })

  it('answers 404 for unknown documents and refuses other sources and keys', async () => {
    expect(await call(gw, 'GET', `/v1/documents/${snappyId('document', '3249', '1')}`)).toMatchObject({ status: 404 })
    expect(await call(gw, 'GET', `/v1/documents/${snappyId('document', '3249', '1')}/content`)).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    })
    expect(await call(gw, 'GET', `/v1/documents/${batchbookId('document', '3249', '1')}/content`)).toMatchObject({
      status: 405,
    })
    const doc = store().documents.documentsOf(3249)[0]!
    expect(
      await call(gw, 'GET', `/v1/documents/${snappyId('document', '3249', String(doc.id))}/content`, { key: CRM_KEY }),
    ).toMatchObject({ status: 403 })
  })
})
