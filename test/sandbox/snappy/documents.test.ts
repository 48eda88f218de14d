import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FormData, request } from 'undici'
import { basicAuthHeader } from '../../../src/sandbox/frame/basic-auth.js'
import { KEY, startSnappy, type Running } from './helpers.js'

interface Document {
  id: number
  account_id: number
  filename: string
  type: string
  size: number
  storage_key: string
  created_at: string
  updated_at: string
}

// Live memory, not garbage, is what must stay flat: collect before each sample. Socket
// buffers that are merely awaiting collection would otherwise dominate the figure.
setFlagsFromString('--expose_gc')
const collectGarbage = runInNewContext('gc') as () => void
const liveBytes = () => {
  collectGarbage()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

let s: Running
beforeEach(async () => {
  s = await startSnappy()
})
afterEach(async () => {
  await s.sim.close()
})

function upload(bytes: Buffer, filename: string, type: string, tags?: string): FormData {
  const form = new FormData()
  if (tags !== undefined) form.append('tags', tags)
  form.append('document', new Blob([bytes], { type }), filename)
  return form
}

describe('GET /account/{id}/documents', () => {
  it("lists the account's documents in the documented shape", async () => {
    const docs = (await s.api('GET', '/account/3249/documents')).json<Document[]>()
    expect(docs.map((d) => d.filename)).toEqual([
      'faq.png',
      'Returns & Refunds policy.pdf',
      'canned-responses.txt',
      'Zoë’s onboarding checklist.md',
    ])
    expect(Object.keys(docs[0] ?? {})).toEqual([
      'id',
      'account_id',
      'filename',
      'type',
      'size',
      'storage_key',
      'created_at',
      'updated_at',
    ])
    expect(docs[0]?.storage_key).toMatch(/^[0-9a-f]{32}$/)
  })
})

describe('POST /account/{id}/document', () => {
  it('stores an upload and answers the new document with its tags kept', async () => {
    const bytes = Buffer.from('¡Hola! 👋 — bytes\n', 'utf8')
    const res = await s.api('POST', '/account/3249/document', {
      body: upload(bytes, 'hola.txt', 'text/plain', JSON.stringify(['greeting', 'es'])),
    })
    expect(res.status).toBe(200)
    expect(res.type).toBe('application/json')
    const doc = res.json<Document>()
    expect(doc).toMatchObject({ account_id: 3249, filename: 'hola.txt', type: 'text/plain', size: bytes.length })
    expect(s.sim.store.documents.documents.get(doc.id)?.tags).toEqual(['greeting', 'es'])
  })

  it('downloads an uploaded document byte-identical with its type and length', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) & 255))
    const doc = (
      await s.api('POST', '/account/3249/document', {
        body: upload(bytes, 'Ångström data.bin', 'application/x-custom'),
      })
    ).json<Document>()
    const res = await s.api('GET', `/account/3249/document/${doc.id}/download`)
    expect(res.status).toBe(200)
    expect(res.type).toBe('application/x-custom')
    expect(res.headers['content-length']).toBe(String(bytes.length))
    expect(res.bytes.equals(bytes)).toBe(true)
  })

  // 50 MiB through a loopback socket twice: seconds on a busy two-core machine, so a bound of its own.
  it('streams a 50 MiB upload to disk and back without holding it in memory', { timeout: 60_000 }, async () => {
    const size = 50 * 1024 * 1024
    const chunks = Array.from({ length: 16 }, (_, c) => Buffer.alloc(64 * 1024, c * 13 + 1))
    const boundary = 'snappy-boundary-7f3a'
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    )
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
    const sent = createHash('sha256')
    async function* body() {
      yield head
      for (let i = 0; i < size / (64 * 1024); i++) {
        const chunk = chunks[(i * 7) % chunks.length] as Buffer
        sent.update(chunk)
        yield chunk
      }
      yield tail
    }
    const baseline = liveBytes()
    let peak = baseline
    const sampler = setInterval(() => (peak = Math.max(peak, liveBytes())), 20)
    try {
      const res = await request(`${s.origin}/api/v1/account/3249/document`, {
        method: 'POST',
        headers: {
          authorization: basicAuthHeader(KEY, 'x'),
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + size + tail.length),
        },
        body: Readable.from(body()),
      })
      const doc = (await res.body.json()) as Document
      expect(doc.size).toBe(size)
      const download = await request(`${s.origin}/api/v1/account/3249/document/${doc.id}/download`, {
        headers: { authorization: basicAuthHeader(KEY, 'x') },
      })
      expect(download.headers['content-length']).toBe(String(size))
      const received = createHash('sha256')
      for await (const chunk of download.body) received.update(chunk as Buffer)
      expect(received.digest('hex')).toBe(sent.digest('hex'))
    } finally {
      clearInterval(sampler)
    }
    // Holding the file anywhere would add at least 50 MiB.
    expect(peak - baseline).toBeLessThan(16 * 1024 * 1024)
  })

  it('answers 422 when no document file is sent', async () => {
    const form = new FormData()
    form.append('tags', '["x"]')
    const res = await s.api('POST', '/account/3249/document', { body: form })
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({ document: ['The document field is required.'] })
  })

  it('answers 422 for tags that are not a JSON list, keeping nothing', async () => {
    const before = s.sim.store.documents.documents.size
    const res = await s.api('POST', '/account/3249/document', {
      body: upload(Buffer.from('x'), 'x.txt', 'text/plain', 'not json'),
    })
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({ tags: ['The tags must be an array.'] })
    expect(s.sim.store.documents.documents.size).toBe(before)
  })
})

describe('GET /account/{id}/document/{id}/download', () => {
  it('streams a seeded document with its stored type', async () => {
    const doc = s.sim.store.documents.documents.find((d) => d.filename === 'faq.png')
    const res = await s.api('GET', `/account/3249/document/${doc?.id}/download`)
    expect(res.type).toBe('image/png')
    expect(res.bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(res.headers['content-disposition']).toBe(`attachment; filename="faq.png"; filename*=UTF-8''faq.png`)
  })

  it('answers 404 for a document of another account', async () => {
    const doc = s.sim.store.documents.documents.find((d) => d.accountId === 3088)
    expect((await s.api('GET', `/account/3249/document/${doc?.id}/download`)).status).toBe(404)
  })
})
