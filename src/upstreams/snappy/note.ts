/** The wire side of `POST /note`: the request body, and the bare nonce it answers. */
import type { Message } from '../../schemas/message.js'
import type { SnappyMessageInput } from '../../schemas/message-input.js'
import type { UpstreamRequest } from '../transport.js'
import { noteBody } from './html.js'
import { badAnswer } from './resource.js'
import { SNAPPY_PATHS } from './wire.js'
import { NONCE } from '../../rules.js'
import { type FieldError, validationFailed } from '../../errors.js'

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

/**
 * Snappy's rules for a note, checked before any call: it needs a sender (`from`, a customer,
 * or `staffId`, a staff member: Snappy refuses one with neither), and a mailbox (named, or the
 * conversation's for a reply).
 */
export function checkNoteInput(input: SnappyMessageInput): void {
  const errors: FieldError[] = []
  if ((input.from === undefined || input.from.length === 0) && input.staffId === undefined) {
    const message = 'or the other is required: a note is from a customer (`from`) or written by staff (`staffId`)'
    errors.push({ path: 'body/from', message }, { path: 'body/staffId', message })
  }
  if (input.mailboxId === undefined && input.conversationId === undefined)
    errors.push({
      path: 'body/mailboxId',
      message: 'is required for a new conversation (a reply takes its conversation’s)',
    })
  if (errors.length === 0) return
  const [first] = errors
  throw validationFailed(`${first?.path} ${first?.message}`, errors)
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
    if (list !== undefined && list.length > 0)
      body[role] = list.map((a) =>
        a.name === undefined ? { address: a.address } : { name: a.name, address: a.address },
      )
  }
  if (input.tags !== undefined && input.tags.length > 0) body.tags = input.tags
  return {
    method: 'POST',
    path: SNAPPY_PATHS.note.path(),
    headers: { accept: '*/*', 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  }
}

/** `POST /note` answers `text/html` whose body is the nonce (tolerating quotes and whitespace). */
export function readNonce(body: Buffer, connection: string): string {
  const text = body
    .toString('utf8')
    .trim()
    .replace(/^"(.*)"$/, '$1')
  if (!NONCE.test(text)) throw badAnswer(connection, 'a ticket nonce')
  return text
}

const spaces = /\s+/g

/** Text compared without regard to how it was wrapped: staff notes come back rendered as HTML. */
function plain(text: string): string {
  return text.replace(spaces, ' ').trim()
}

/** How far the upstream's clock may be behind ours when its notes' times are compared with ours. */
const UPSTREAM_CLOCK_LAG_MS = 120_000

/**
 * `POST /note` answers only the ticket's nonce, never the note's id. The note a caller sent is
 * found among the ticket's notes by what was sent: its scope and its text, created around the
 * time the post began (Snappy keeps whole seconds; its clock may differ a little from ours).
 * `taken` holds notes already given to other callers, so identical concurrent replies each get
 * a note of their own. Of several candidates, the one created nearest after the post began is
 * taken (one created before it, within the clock skew, only when none was created after).
 * A ticket the post opened holds only that post's notes: there, time is not compared
 * (`postedAt` null).
 */
export function findSentNote(
  notes: readonly Message[],
  input: SnappyMessageInput,
  postedAt: number | null,
  taken: (note: Message) => boolean,
): Message | undefined {
  const scope = input.visibility ?? 'public'
  // Compared as the note's text is made from what Snappy keeps: HTML sent comes back as HTML.
  const text = plain(noteBody(input.body).text)
  const since = postedAt === null ? Number.NEGATIVE_INFINITY : Math.floor(postedAt / 1000) * 1000
  const distance = (note: Message) => {
    const at = Date.parse(note.createdAt)
    if (postedAt === null) return 0
    return at >= since ? at - since : since - at + UPSTREAM_CLOCK_LAG_MS
  }
  let best: Message | undefined
  for (const note of notes) {
    if (
      note.visibility !== scope ||
      Date.parse(note.createdAt) < since - UPSTREAM_CLOCK_LAG_MS ||
      plain(note.body.text) !== text ||
      taken(note)
    )
      continue
    if (
      best === undefined ||
      distance(note) < distance(best) ||
      (distance(note) === distance(best) && Number(note.remoteId) < Number(best.remoteId))
    )
      best = note
  }
  return best
}
