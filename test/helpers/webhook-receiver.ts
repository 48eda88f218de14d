/**
 * A webhook receiver for tests: a real HTTP server on loopback that verifies every delivery
 * with the `standardwebhooks` package, as an integrator would, and keeps what it received.
 * It can be told to fail (answer 503) or to be down (connections refused), and to be slow.
 */
import { type IncomingMessage, type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { type Clock, realClock } from '../../src/clock.js'

/** How far a delivery's timestamp may be from the receiver's now (the library's own tolerance). */
const TOLERANCE_S = 5 * 60

/**
 * Verifies a delivery as `Webhook.verify` does, against `clock`'s time instead of the machine's
 * (a gateway on virtual time signs with its own): the signature is the library's.
 */
function verify(secret: string, body: string, headers: Record<string, string | string[] | undefined>, clock: Clock) {
  if (clock === realClock) {
    new Webhook(secret).verify(body, headers as Record<string, string>)
    return
  }
  const id = String(headers['webhook-id'])
  const timestamp = Number(headers['webhook-timestamp'])
  if (!(Math.abs(clock.now() / 1000 - timestamp) <= TOLERANCE_S)) throw new Error('timestamp out of tolerance')
  const expected = new Webhook(secret).sign(id, new Date(timestamp * 1000), body)
  if (!String(headers['webhook-signature']).split(' ').includes(expected)) throw new Error('bad signature')
}

interface Received {
  id: string
  type: string
  recordId: string
  connection: string | null
  origin: string
  verified: boolean
  at: number
}

export interface WebhookReceiver {
  url: string
  /** Every delivery, retries included, in arrival order (recorded once answered). */
  received: Received[]
  /** Requests that arrived, answered or not yet. */
  arrived: number
  /** Each event once (by `webhook-id`), in first-arrival order. */
  unique(): Received[]
  secret: string | null
  /** `fail`: answer 503; `ok`: answer 204. */
  mode: 'ok' | 'fail'
  delayMs: number
  /** Stops listening (connections refused) until `up()`. */
  down(): Promise<void>
  up(): Promise<void>
  close(): Promise<void>
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** `clock`: the time of the gateway that sends (its deliveries are signed on it). */
export async function startWebhookReceiver(clock: Clock = realClock): Promise<WebhookReceiver> {
  let server: Server
  let port = 0
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    arrived: 0,
    unique() {
      const seen = new Set<string>()
      return this.received.filter((r) => r.verified && !seen.has(r.id) && seen.add(r.id))
    },
    secret: null,
    mode: 'ok',
    delayMs: 0,
    async down() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
    async up() {
      server = make()
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()))
    },
    async close() {
      if (server.listening) await receiver.down()
    },
  }
  const make = () =>
    createServer((req, res) => {
      receiver.arrived++
      void (async () => {
        const body = await bodyOf(req)
        if (receiver.delayMs > 0) await new Promise((r) => setTimeout(r, receiver.delayMs))
        if (receiver.mode === 'fail') {
          res.writeHead(503).end()
          return
        }
        let verified = false
        try {
          if (receiver.secret !== null) {
            verify(receiver.secret, body, req.headers, clock)
            verified = true
          }
        } catch {
          verified = false
        }
        const event = JSON.parse(body) as {
          id: string
          type: string
          connection: string | null
          origin: string
          data: { object: { id: string } }
        }
        receiver.received.push({
          id: String(req.headers['webhook-id']),
          type: event.type,
          recordId: event.data.object.id,
          connection: event.connection,
          origin: event.origin,
          verified,
          at: clock.now(),
        })
        res.writeHead(verified ? 204 : 400).end()
      })()
    })
  server = make()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  port = (server.address() as AddressInfo).port
  receiver.url = `http://127.0.0.1:${port}/hooks`
  return receiver
}
