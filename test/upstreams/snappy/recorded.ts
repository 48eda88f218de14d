/** The recorded Snappy traffic (test/fixtures/snappy-recorded/), and a loopback server that answers with it. */
import { readFileSync, readdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'

const RECORDED = new URL('../../fixtures/snappy-recorded/', import.meta.url)

export interface Interaction {
  file: string
  method: string
  /** Below `/api/v1`, without a trailing slash. */
  path: string
  requestBody: string
  status: number
  contentType: string
  body: string
}

export function recordedInteractions(): Interaction[] {
  const files = readdirSync(fileURLToPath(RECORDED))
    .filter((f) => f.endsWith('.json'))
    .sort()
  return files.flatMap((file) => {
    const { http_interactions } = JSON.parse(readFileSync(fileURLToPath(new URL(file, RECORDED)), 'utf8')) as {
      http_interactions: Array<{
        request: { method: string; uri: string; body: { string: string } }
        response: { status: { code: number }; headers: Record<string, string>; body: { string: string } }
      }>
    }
    return http_interactions.map((i) => ({
      file,
      method: i.request.method,
      path: new URL(i.request.uri).pathname.replace(/^\/api\/v1/, '').replace(/\/$/, ''),
      requestBody: i.request.body.string,
      status: i.response.status.code,
      contentType: i.response.headers['content-type'] ?? 'application/json',
      body: i.response.body.string,
    }))
  })
}

export interface ReplayServer {
  baseUrl: string
  /** Requests that had no recording (answered 404). */
  unmatched: string[]
  close(): Promise<void>
}

/**
 * Answers each request with a recorded response for the same method and path (a `POST
 * /note` also by its `id` field, which says which ticket it replies to); anything not
 * recorded gets a 404, as Snappy answers unknown records.
 */
export async function startReplay(interactions: Interaction[]): Promise<ReplayServer> {
  const unmatched: string[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const path =
        (req.url ?? '')
          .split('?')[0]
          ?.replace(/^\/api\/v1/, '')
          .replace(/\/$/, '') ?? ''
      const sent = Buffer.concat(chunks).toString('utf8')
      const match = interactions.find(
        (i) => i.method === req.method && i.path === path && (i.method !== 'POST' || sameTicket(i.requestBody, sent)),
      )
      if (match === undefined) {
        unmatched.push(`${req.method} ${path}`)
        res.writeHead(404, { 'content-type': 'text/html; charset=UTF-8' }).end('<html>Not Found</html>')
        return
      }
      res.writeHead(match.status, { 'content-type': match.contentType }).end(match.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    unmatched,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function sameTicket(recorded: string, sent: string): boolean {
  const id = (body: string) => (JSON.parse(body) as { id?: string }).id
  return id(recorded) === id(sent)
}

/** Field names and values that must never leave the gateway. */
export const SECRETS = [
  'remember_token',
  'apple_device_token',
  'verification_token',
  'sms_number',
  'smsNumber',
  'mobile_',
  'mobile',
  'XXXXX',
  '0027841234567',
  'trial_ends_at',
  'trialEndsAt',
  'is_paid',
  'isPaid',
  'is_trial',
  'plan_id',
  'last_paid_at',
  'invoiced',
  'cancel',
  'smtp',
  'storage_key',
  'raw_headers',
]
