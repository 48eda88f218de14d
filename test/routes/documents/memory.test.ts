/**
 * A 50 MiB upload and a 50 MiB download through a gateway running in a child process,
 * whose memory is sampled (after garbage collection) while the bytes pass: it must stay
 * flat, growing by far less than the file, which it only does if the file is streamed and
 * never gathered. The assertions hold no timing.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listenOnLoopback } from '../../../src/sandbox/frame/server.js'
import { createSnappySimulator, type SnappySimulator } from '../../../src/sandbox/snappy/index.js'
import { WCL } from '../../upstreams/snappy/e2e.js'

const MiB = 1024 * 1024
const FILE_BYTES = 50 * MiB
/** Loose on purpose: a buffered file would add at least 50 MiB. */
const MAX_GROWTH = 40 * MiB
const API_KEY = 'memtest:sk_memory_test_0123456789'
const SNAPPY_KEY = 'c0ffee'.repeat(10) + 'c0ff'

let simulator: SnappySimulator
let child: ChildProcess
let gateway: string
const auth = { authorization: `Bearer ${API_KEY.split(':')[1]!}` }

interface Figures {
  rss: number
  /** Heap used plus array buffers, after a garbage collection. */
  live: number
}
interface Report {
  baseline: Figures
  peak: Figures
}

function ask<T>(message: string): Promise<T> {
  const answer = once(child, 'message') as Promise<[T]>
  child.send(message)
  return answer.then(([value]) => value)
}

/** The same 1 MiB block over and over: the test process holds no more than that. */
const block = randomBytes(MiB)
function fileChunks(): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < FILE_BYTES / MiB; i++) yield block
    })(),
  )
}
function expectedDigest(): string {
  const hash = createHash('sha256')
  for (let i = 0; i < FILE_BYTES / MiB; i++) hash.update(block)
  return hash.digest('hex')
}

async function measured<T>(what: string, run: () => Promise<T>): Promise<T> {
  await ask('mark')
  const result = await run()
  const { baseline, peak } = await ask<Report>('report')
  const mib = (n: number) => (n / MiB).toFixed(1)
  console.log(
    `${what} of ${FILE_BYTES / MiB} MiB: gateway RSS ${mib(baseline.rss)} → peak ${mib(peak.rss)} MiB (+${mib(peak.rss - baseline.rss)}); ` +
      `live heap + buffers ${mib(baseline.live)} → peak ${mib(peak.live)} MiB (+${mib(peak.live - baseline.live)})`,
  )
  expect(peak.rss - baseline.rss).toBeLessThan(MAX_GROWTH)
  expect(peak.live - baseline.live).toBeLessThan(MAX_GROWTH)
  return result
}

async function uploadDocument(
  name: string,
  body: Readable,
  size: number,
): Promise<{ status: number; doc: { id: string; size: number } }> {
  const boundary = 'memoryTestBoundary'
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const stream = Readable.from(
    (async function* () {
      yield head
      for await (const chunk of body) yield chunk as Buffer
      yield tail
    })(),
  )
  const res = await request(`${gateway}/v1/accounts/${WCL}/documents`, {
    method: 'POST',
    body: stream,
    headers: {
      ...auth,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + size + tail.length),
    },
  })
  return { status: res.statusCode, doc: (await res.body.json()) as { id: string; size: number } }
}

async function downloadDigest(
  id: string,
): Promise<{ status: number; type: string; length: string; bytes: number; digest: string }> {
  const res = await request(`${gateway}/v1/documents/${id}/content`, { headers: auth })
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of res.body) {
    bytes += (chunk as Buffer).length
    hash.update(chunk as Buffer)
  }
  return {
    status: res.statusCode,
    type: String(res.headers['content-type']),
    length: String(res.headers['content-length']),
    bytes,
    digest: hash.digest('hex'),
  }
}

beforeAll(async () => {
  simulator = createSnappySimulator({ keys: [SNAPPY_KEY], limit: false })
  const origin = await listenOnLoopback(simulator.app)
  child = fork(fileURLToPath(new URL('./memory-gateway.ts', import.meta.url)), [], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: {
      ...process.env,
      SNAPPY_API_KEY: SNAPPY_KEY,
      SNAPPY_BASE_URL: `${origin}/api/v1`,
      API_KEYS: API_KEY,
      LOG_LEVEL: 'silent',
      UPSTREAM_TIMEOUT_MS: '30000',
      // The file's bytes are the measurement: no sync beside them.
      REPLICA: 'false',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const [ready] = (await once(child, 'message')) as [{ port: number }]
  gateway = `http://127.0.0.1:${ready.port}`
  // Warm up code paths and connection pools, so the measurement sees the file only.
  const warm = await uploadDocument('warm.bin', Readable.from([randomBytes(MiB)]), MiB)
  expect(warm.status).toBe(201)
  expect((await downloadDigest(warm.doc.id)).bytes).toBe(MiB)
}, 60_000)

afterAll(async () => {
  if (child !== undefined && child.exitCode === null) {
    child.send('stop')
    await once(child, 'exit')
  }
  await simulator?.close()
})

describe('50 MiB through the gateway', () => {
  let id: string

  it('uploads with the gateway’s memory flat', async () => {
    const { status, doc } = await measured('upload', () => uploadDocument('big.bin', fileChunks(), FILE_BYTES))
    expect(status).toBe(201)
    expect(doc.size).toBe(FILE_BYTES)
    id = doc.id
  }, 60_000)

  it('downloads with the gateway’s memory flat, byte for byte', async () => {
    const result = await measured('download', () => downloadDigest(id))
    expect(result).toMatchObject({
      status: 200,
      type: 'application/octet-stream',
      length: String(FILE_BYTES),
      bytes: FILE_BYTES,
    })
    expect(result.digest).toBe(expectedDigest())
  }, 60_000)
})
