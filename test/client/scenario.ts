/**
 * What an internal app does with a client generated from openapi/openapi.json: list, create,
 * read, update and delete messages of both sources, walk a cursor, reply into a conversation.
 * Written against the generated types only: no casts, no hand-written types. Compiled by
 * client.test.ts (type errors fail it), then run against the sandbox.
 */
import createClient from 'openapi-fetch'
import type { paths } from './generated/schema.js'

export interface ScenarioResult {
  walked: number
  pages: number
  batchbook: { created: string; updatedSubject: string | null; deleted: boolean; goneAfterDelete: number }
  snappy: {
    created: string
    conversationId: string | null
    replyConversationId: string | null
    editRefusedWith: string | undefined
  }
}

/** What a 202 said: a WriteAccepted's detail, or a queued operation's id. */
function describeAccepted(accepted: { detail: string } | { id: string; state: string }): string {
  return 'detail' in accepted ? accepted.detail : `queued as ${accepted.id} (${accepted.state})`
}

export async function runScenario(baseUrl: string, apiKey: string): Promise<ScenarioResult> {
  const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${apiKey}` } })

  // Walk the unified timeline.
  let cursor: string | undefined
  let walked = 0
  let pages = 0
  do {
    const { data, error } = await client.GET('/v1/messages', {
      params: { query: { limit: 25, ...(cursor === undefined ? {} : { cursor }) } },
    })
    if (error !== undefined) throw new Error(`list failed: ${error.code} ${error.detail}`)
    walked += data.data.length
    pages++
    cursor = data.nextCursor ?? undefined
  } while (cursor !== undefined)

  // BatchBook: create, read, update, delete.
  const created = await client.POST('/v1/messages', {
    body: {
      source: 'batchbook',
      kind: 'phone',
      subject: 'Generated client call',
      body: 'Logged from a generated client.',
      tags: ['client'],
    },
  })
  if (created.error !== undefined) throw new Error(`create failed: ${created.error.code}`)
  // A write's 2xx is the record, or a 202: a WriteAccepted when the upstream took the write but
  // the record could not be read back, or an Operation when the write was queued (only when
  // asked for with `Prefer`). The generated types make the client tell them apart.
  if (!('source' in created.data)) throw new Error(`created without the record: ${describeAccepted(created.data)}`)
  const id = created.data.id
  const read = await client.GET('/v1/messages/{id}', { params: { path: { id } } })
  if (read.error !== undefined || read.data.id !== id) throw new Error('read back failed')
  const updated = await client.PATCH('/v1/messages/{id}', {
    params: { path: { id } },
    body: { subject: 'Generated client call (edited)' },
  })
  if (updated.error !== undefined) throw new Error(`update failed: ${updated.error.code}`)
  if (!('source' in updated.data)) throw new Error(`updated without the record: ${describeAccepted(updated.data)}`)
  const deleted = await client.DELETE('/v1/messages/{id}', { params: { path: { id } } })
  const gone = await client.GET('/v1/messages/{id}', { params: { path: { id } } })

  // Snappy: find a mailbox, open a conversation, reply into it, and learn what a note cannot do.
  const accounts = await client.GET('/v1/accounts')
  const account = accounts.data?.data[0]
  if (account === undefined) throw new Error('no Snappy account')
  const mailboxes = await client.GET('/v1/accounts/{accountId}/mailboxes', {
    params: { path: { accountId: account.id } },
  })
  const mailbox = mailboxes.data?.data[0]
  if (mailbox === undefined) throw new Error('no mailbox')
  const note = await client.POST('/v1/messages', {
    body: {
      source: 'snappy',
      mailboxId: mailbox.id,
      from: [{ name: 'Grace Hopper', address: 'grace@example.com' }],
      subject: 'From the generated client',
      body: 'Hello there.',
    },
  })
  if (note.error !== undefined) throw new Error(`note failed: ${note.error.code}`)
  if (!('source' in note.data)) throw new Error(`note sent without the record: ${describeAccepted(note.data)}`)
  const conversationId = note.data.conversationId
  if (conversationId === null) throw new Error('a note without a conversation')
  const reply = await client.POST('/v1/messages', {
    body: {
      source: 'snappy',
      mailboxId: mailbox.id,
      conversationId,
      from: [{ name: 'Grace Hopper', address: 'grace@example.com' }],
      body: 'A follow-up.',
    },
  })
  if (reply.error !== undefined) throw new Error(`reply failed: ${reply.error.code}`)
  if (!('source' in reply.data)) throw new Error(`reply sent without the record: ${describeAccepted(reply.data)}`)
  const edit = await client.PATCH('/v1/messages/{id}', {
    params: { path: { id: note.data.id } },
    body: { subject: 'x' },
  })
  const conversation = await client.GET('/v1/conversations/{id}', { params: { path: { id: conversationId } } })
  if (conversation.error !== undefined) throw new Error(`conversation failed: ${conversation.error.code}`)

  return {
    walked,
    pages,
    batchbook: {
      created: id,
      updatedSubject: updated.data.subject,
      deleted: deleted.response.status === 204,
      goneAfterDelete: gone.response.status,
    },
    snappy: {
      created: note.data.id,
      conversationId,
      replyConversationId: reply.data.conversationId,
      editRefusedWith: edit.error?.code,
    },
  }
}

export interface OperationScenarioResult {
  accepted: string
  finalState: string
  attemptsPolled: number
  createdSubject: string | null
}

/**
 * A write sent with `Prefer: respond-async`: the 202's body is told apart from a
 * `WriteAccepted` by the generated union, then the operation is polled until it has run and
 * the record it made is read from its `result.location`.
 */
export async function runOperationScenario(baseUrl: string, apiKey: string): Promise<OperationScenarioResult> {
  const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${apiKey}` } })
  const queued = await client.POST('/v1/messages', {
    params: { header: { prefer: 'respond-async' } },
    body: { source: 'batchbook', kind: 'note', subject: 'Queued from a generated client', body: 'Later is fine.' },
  })
  if (queued.error !== undefined) throw new Error(`queue failed: ${queued.error.code}`)
  if (queued.response.status !== 202 || !('state' in queued.data)) throw new Error('the write was not queued')
  const operationId = queued.data.id
  let polled = 0
  for (;;) {
    const { data, error } = await client.GET('/v1/operations/{id}', { params: { path: { id: operationId } } })
    if (error !== undefined) throw new Error(`poll failed: ${error.code}`)
    polled++
    if (data.state !== 'queued' && data.state !== 'running') {
      let createdSubject: string | null = null
      const location = data.result?.id
      if (data.state === 'succeeded' && location !== undefined && location !== null) {
        const read = await client.GET('/v1/messages/{id}', { params: { path: { id: location } } })
        createdSubject = read.data?.subject ?? null
      }
      return { accepted: data.id, finalState: data.state, attemptsPolled: polled, createdSubject }
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
