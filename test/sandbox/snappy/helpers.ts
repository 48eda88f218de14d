/** Starts a Snappy simulator on loopback and talks to it over real HTTP. */
import { type FormData, request } from 'undici'
import { basicAuthHeader } from '../../../src/sandbox/frame/basic-auth.js'
import { listenOnLoopback } from '../../../src/sandbox/frame/server.js'
import {
  createSnappySimulator,
  type SnappySimulator,
  type SnappySimulatorOptions,
} from '../../../src/sandbox/snappy/index.js'

/** API keys are 64 hex characters. */
export const KEY = '0123456789abcdef'.repeat(4)
export const OTHER_KEY = 'fedcba9876543210'.repeat(4)

export interface Running {
  sim: SnappySimulator
  origin: string
  api: (method: string, path: string, options?: CallOptions) => Promise<Answer>
}

interface CallOptions {
  json?: unknown
  form?: string
  body?: string | Buffer | FormData
  headers?: Record<string, string>
  key?: string | null
}

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  type: string
  text: string
  bytes: Buffer
  json: <T = unknown>() => T
}

export async function startSnappy(options: Partial<SnappySimulatorOptions> = {}): Promise<Running> {
  const sim = createSnappySimulator({ keys: [KEY, OTHER_KEY], limit: false, ...options })
  const origin = await listenOnLoopback(sim.app)
  const api = async (method: string, path: string, call: CallOptions = {}): Promise<Answer> => {
    const headers: Record<string, string> = { ...call.headers }
    const key = call.key === undefined ? KEY : call.key
    if (key !== null) headers.authorization = basicAuthHeader(key, 'x')
    let body: string | Buffer | FormData | undefined = call.body
    if (call.json !== undefined) {
      headers['content-type'] ??= 'application/json; charset=utf-8'
      body = JSON.stringify(call.json)
    } else if (call.form !== undefined) {
      headers['content-type'] ??= 'application/x-www-form-urlencoded'
      body = call.form
    }
    const res = await request(`${origin}/api/v1${path}`, { method: method as 'GET', headers, body })
    const bytes = Buffer.from(await res.body.arrayBuffer())
    const text = bytes.toString('utf8')
    return {
      status: res.statusCode,
      headers: res.headers,
      type: String(res.headers['content-type'] ?? ''),
      text,
      bytes,
      json: <T>() => JSON.parse(text) as T,
    }
  }
  return { sim, origin, api }
}
