/**
 * Replays every recorded request against the simulator and checks that each answer has the
 * recorded status, content type, and (for JSON) the same keys in the same order and the same
 * JSON value types at every level (see `shapeDiff` for how lists are paired). The simulator is prepared only through its store: the
 * key acts as the recorded staff member, and tickets with the recorded nonces hold notes
 * like the recorded ones.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromSqlTime } from '../../../src/upstreams/snappy/wire.js'
import type { SnappyStore } from '../../../src/sandbox/snappy/index.js'
import { KEY, startSnappy, type Running } from './helpers.js'

const RECORDED = new URL('../../fixtures/snappy-recorded/', import.meta.url)

/** Fields where one side may be null and the other not. Nothing needs it today. */
const NULLABLE = new Set<string>([])

interface Interaction {
  request: { method: string; uri: string; headers: Record<string, string>; body: { string: string } }
  response: { status: { code: number }; headers: Record<string, string>; body: { string: string } }
}

interface Step {
  name: string
  interaction: Interaction
  path: string
}

interface RecordedNote {
  id: number
  ticket_id: number
  facebook_message: string | null
  created_by_staff_id: number | null
  created_by_contact_id: number | null
  scope: 'public' | 'private'
  created_at: number
  updated_at: string
  content: string
  system: number
  using_html: number
  raw_headers: string | null
  contacts: {
    id: number
    account_id: number
    first_name: string
    last_name: string
    value: string
    provider: string
    created_at: string
    type: 'from' | 'to' | 'cc' | 'bcc'
  }[]
}

const files = readdirSync(fileURLToPath(RECORDED))
  .filter((f) => f.endsWith('.json'))
  .sort()
const steps: Step[] = files.flatMap((file) => {
  const { http_interactions } = JSON.parse(readFileSync(fileURLToPath(new URL(file, RECORDED)), 'utf8')) as {
    http_interactions: Interaction[]
  }
  return http_interactions.map((interaction, i) => {
    const path = new URL(interaction.request.uri).pathname.replace(/^\/api\/v1/, '')
    return { name: `${file} #${i + 1}: ${interaction.request.method} ${path}`, interaction, path }
  })
})

function header(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name)
  return key === undefined ? undefined : headers[key]
}

/** Media type and charset, lower-cased; the two parts of a content type that matter. */
function contentType(value: string | undefined): { media: string; charset: string | null } {
  const [media = '', ...params] = (value ?? '').split(';').map((p) => p.trim().toLowerCase())
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length) ?? null
  return { media, charset }
}

function kind(value: unknown): string {
  if (value === null) return 'null'
  return Array.isArray(value) ? 'array' : typeof value
}

function idOf(value: unknown): unknown {
  return kind(value) === 'object' ? (value as { id?: unknown }).id : undefined
}

/**
 * Differences between two JSON values: keys, key order and value types. In a list, each
 * recorded item is compared with the answered item of the same `id` (or position). Further
 * answered items (the sandbox holds more mailboxes and staff than the recorded account) are
 * compared `loose`ly with the first recorded item: same keys, and the same types where
 * neither side is null, since those records' nullable fields are not the recorded ones'.
 */
function shapeDiff(recorded: unknown, actual: unknown, path = '$', field = '', loose = false): string[] {
  const [a, b] = [kind(recorded), kind(actual)]
  if (a !== b)
    return (a === 'null' || b === 'null') && (loose || NULLABLE.has(field)) ? [] : [`${path}: recorded ${a}, got ${b}`]
  if (a === 'array') {
    const [r, x] = [recorded as unknown[], actual as unknown[]]
    const partners = new Set<number>()
    const diffs = r.flatMap((item, i) => {
      const byId = idOf(item) === undefined ? -1 : x.findIndex((candidate) => idOf(candidate) === idOf(item))
      const at = byId === -1 ? i : byId
      if (at >= x.length) return [`${path}[${i}]: recorded item has no counterpart`]
      partners.add(at)
      return shapeDiff(item, x[at], `${path}[${at}]`, field, loose)
    })
    const extra = x.flatMap((item, i) =>
      partners.has(i) || r.length === 0 ? [] : shapeDiff(r[0], item, `${path}[${i}]`, field, true),
    )
    return [...diffs, ...extra]
  }
  if (a === 'object') {
    const [r, x] = [recorded as Record<string, unknown>, actual as Record<string, unknown>]
    const [rk, xk] = [Object.keys(r), Object.keys(x)]
    if (rk.join() !== xk.join()) return [`${path}: recorded keys ${rk.join(',')}, got ${xk.join(',')}`]
    return rk.flatMap((k) => shapeDiff(r[k], x[k], `${path}.${k}`, k, loose))
  }
  return []
}

/** Nonces addressed by `GET /ticket/{nonce}/notes`, with the notes to prepare for each. */
function ticketsToPrepare(): Map<string, RecordedNote[]> {
  const prepared = new Map<string, RecordedNote[]>()
  const postedInto = new Map<string, number>()
  for (const { interaction, path } of steps) {
    const body = interaction.request.body.string
    if (interaction.request.method === 'POST' && path === '/note' && body !== '') {
      const id = (JSON.parse(body) as { id?: string }).id
      if (id !== undefined) postedInto.set(id, (postedInto.get(id) ?? 0) + 1)
    }
    const nonce = /^\/ticket\/([a-z0-9]{16})\/notes\/?$/.exec(path)?.[1]
    if (nonce === undefined || prepared.has(nonce)) continue
    // Notes that replayed POSTs will add must not be there beforehand (they are the newest).
    const notes = JSON.parse(interaction.response.body.string) as RecordedNote[]
    prepared.set(nonce, notes.slice(postedInto.get(nonce) ?? 0))
  }
  return prepared
}

function prepare(store: SnappyStore): void {
  store.directory.assignKey(KEY, 3696)
  for (const [nonce, notes] of ticketsToPrepare()) {
    const oldest = notes.at(-1)
    const ticket = store.tickets.createTicket({
      id: oldest?.ticket_id,
      nonce,
      mailboxId: 3642,
      createdAt: oldest?.created_at,
      defaultSubject: 'Test subject $SUBJECT_UUID$',
    })
    for (const note of [...notes].reverse()) {
      for (const c of note.contacts) {
        if (store.directory.contacts.get(c.id) !== undefined) continue
        store.directory.createContact({
          id: c.id,
          accountId: c.account_id,
          firstName: c.first_name,
          lastName: c.last_name,
          value: c.value,
          provider: c.provider,
          createdAt: fromSqlTime(c.created_at),
        })
      }
      store.tickets.createNote({
        id: note.id,
        ticketId: ticket.id,
        facebookMessage: note.facebook_message,
        createdByStaffId: note.created_by_staff_id,
        createdByContactId: note.created_by_contact_id,
        scope: note.scope,
        createdAt: note.created_at,
        updatedAt: fromSqlTime(note.updated_at),
        content: note.content,
        system: note.system,
        usingHtml: note.using_html,
        rawHeaders: note.raw_headers,
        contacts: note.contacts.map((c) => ({ contactId: c.id, type: c.type })),
      })
    }
  }
}

let s: Running
beforeAll(async () => {
  s = await startSnappy()
  prepare(s.sim.store)
})
afterAll(async () => {
  await s.sim.close()
})

describe('recorded Snappy traffic replayed against the simulator', () => {
  it('found the recordings', () => {
    expect(files.length).toBeGreaterThanOrEqual(6)
    expect(steps.length).toBeGreaterThanOrEqual(20)
  })

  it.each(steps.map((step) => [step.name, step] as const))('%s', async (_name, { interaction, path }) => {
    const { request, response } = interaction
    const requestType = header(request.headers, 'content-type')
    const hasBody = request.body.string !== ''
    const answer = await s.api(request.method, path, {
      ...(hasBody ? { body: request.body.string } : {}),
      headers: requestType === undefined ? {} : { 'content-type': requestType },
    })

    expect(answer.status).toBe(response.status.code)
    expect(contentType(answer.type)).toEqual(contentType(header(response.headers, 'content-type')))
    if (contentType(answer.type).media === 'application/json') {
      const recorded: unknown = JSON.parse(response.body.string)
      expect(shapeDiff(recorded, answer.json())).toEqual([])
      // Each prepared ticket holds exactly the recorded notes once the replayed POSTs are in.
      if (path.includes('/notes')) expect(answer.json<unknown[]>()).toHaveLength((recorded as unknown[]).length)
    } else {
      expect(answer.text).toMatch(/^[a-z0-9]{16}$/)
      const replyTo = hasBody ? (JSON.parse(request.body.string) as { id?: string }).id : undefined
      if (replyTo !== undefined) expect(answer.text).toBe(replyTo)
    }
  })
})
