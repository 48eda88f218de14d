/** The wire side of `POST /note`: the request body, and the bare nonce it answers. */
import type { SnappyMessageInput } from '../../schemas/message-input.js'
import type { UpstreamRequest } from '../transport.js'
import { badAnswer } from './resource.js'

export interface NoteTargets {
  mailbox: string
  staff: string | undefined
  /** The nonce of the ticket to reply into. */
  nonce: string | undefined
}

/** Snappy's ids are integers on the wire (recorded traffic sends `"mailbox_id": 3642`). */
function wireId(id: string): number | string {
  const n = Number(id)
  return Number.isSafeInteger(n) ? n : id
}

export function noteRequest(input: SnappyMessageInput, targets: NoteTargets): UpstreamRequest {
  const body: Record<string, unknown> = { mailbox_id: wireId(targets.mailbox) }
  if (targets.nonce !== undefined) body.id = targets.nonce
  if (targets.staff !== undefined) body.staff_id = wireId(targets.staff)
  if (input.subject !== undefined) body.subject = input.subject
  body.message = input.body
  body.scope = input.visibility ?? 'public'
  for (const role of ['from', 'to', 'cc', 'bcc'] as const) {
    const list = input[role]
    if (list !== undefined && list.length > 0) body[role] = list.map((a) => (a.name === undefined ? { address: a.address } : { name: a.name, address: a.address }))
  }
  if (input.tags !== undefined && input.tags.length > 0) body.tags = input.tags
  return {
    method: 'POST',
    path: '/note',
    headers: { accept: '*/*', 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  }
}

const NONCE = /^[a-z0-9]{16}$/

/** `POST /note` answers `text/html` whose body is the nonce (tolerating quotes and whitespace). */
export function readNonce(body: Buffer, connection: string): string {
  const text = body.toString('utf8').trim().replace(/^"(.*)"$/, '$1')
  if (!NONCE.test(text)) throw badAnswer(connection, 'a ticket nonce')
  return text
}
