/**
 * The sync of a Snappy connection. Snappy has no change feed and no global note listing, so
 * every pass reads what it can see and compares:
 *
 * 1. the directory (accounts, then each account's mailboxes and staff), on the first pass
 *    and then every `DIRECTORY_EVERY` passes;
 * 2. every account's queues (waiting, inbox, yours: three calls an account); a ticket whose
 *    `updatedAt` or `lastReplyAt` moved since its notes were read is due for its notes, and a
 *    ticket that left the queues is due for one read by id for its final state;
 * 3. the notes of each ticket due (one call each, the queue's tags are kept);
 * 4. each ticket that left the queues, read once (gone upstream: it leaves the replica with
 *    its notes).
 *
 * The first pass is the backfill. The checkpoint holds the stage and what is left of it, so a
 * restart resumes within the pass; the tickets due for notes are known from the store.
 */
import { ProblemError } from '../../errors.js'
import type { Conversation } from '../../schemas/conversation.js'
import type { SnappyAdapter } from '../../upstreams/snappy/adapter.js'
import { QUEUES, type QueueName } from '../../upstreams/snappy/tickets.js'
import { notesSignature } from '../conversations.js'
import type { EventOrigin } from '../events.js'
import type { Replica } from '../index.js'
import type { SyncState } from '../sync-state.js'
import type { ConnectionSync } from './connection-sync.js'

/** The directory is read again every this many passes (it changes rarely). */
const DIRECTORY_EVERY = 20

type Stage = 'directory' | 'queues' | 'notes' | 'left' | 'idle'

interface Checkpoint {
  stage?: Stage
  passStartedAt?: string
  passes?: number
  /** Accounts whose queues are still to read in this pass. */
  accounts?: string[]
  /** Directory stage: accounts whose mailboxes and staff are still to read. */
  directory?: string[]
  /** Tickets (conv ids) that left the queues in this pass, still to read by id. */
  left?: string[]
  nextPollAt?: number
}

export class SnappySync implements ConnectionSync {
  readonly connection: string
  readonly source = 'snappy'
  readonly #adapter: SnappyAdapter
  readonly #replica: Replica
  readonly #pollMs: number
  #origin: EventOrigin | null = null

  constructor(adapter: SnappyAdapter, replica: Replica, pollMs: number) {
    this.connection = adapter.connection.name
    this.#adapter = adapter
    this.#replica = replica
    this.#pollMs = pollMs
  }

  async step(state: SyncState): Promise<number> {
    const cp = state.checkpoint as Checkpoint
    // The first pass is the backfill: what it finds was there before, not a change.
    this.#origin = state.phase === 'live' ? 'sync' : null
    switch (cp.stage ?? 'idle') {
      case 'idle': {
        const wait = (cp.nextPollAt ?? 0) - Date.now()
        if (wait > 0) return wait
        cp.passStartedAt = new Date().toISOString()
        cp.passes = (cp.passes ?? 0) + 1
        cp.stage = state.phase === 'backfilling' || cp.passes % DIRECTORY_EVERY === 1 ? 'directory' : 'queues'
        if (cp.stage === 'queues') cp.accounts = await this.#accountIds()
        return 0
      }
      case 'directory':
        return this.#directory(cp)
      case 'queues':
        return this.#queues(cp)
      case 'notes':
        return this.#notes(cp)
      case 'left':
        return this.#left(state, cp)
    }
  }

  async #directory(cp: Checkpoint): Promise<number> {
    const directory = this.#adapter.directory
    if (cp.directory === undefined) {
      const accounts = await directory.accounts()
      await this.#replica.directory.replace(this.connection, 'account', null, accounts)
      cp.directory = accounts.map((a) => a.remoteId)
      return 0
    }
    const account = cp.directory.shift()
    if (account !== undefined) {
      const [mailboxes, staff] = await Promise.all([directory.mailboxes(account), directory.staff(account)])
      await this.#replica.directory.replace(this.connection, 'mailbox', account, mailboxes)
      await this.#replica.directory.replace(this.connection, 'staff', account, staff)
      return 0
    }
    delete cp.directory
    cp.stage = 'queues'
    cp.accounts = await this.#accountIds()
    return 0
  }

  /** One account's three queues; the conversations found are stored with their queues. */
  async #queues(cp: Checkpoint): Promise<number> {
    const account = cp.accounts?.shift()
    if (account === undefined) {
      delete cp.accounts
      cp.stage = 'notes'
      return 0
    }
    const tickets = this.#adapter.tickets
    const lists = await Promise.all(
      QUEUES.map((queue) => tickets.queue({ account }, queue, { includeRemote: false, fresh: true })),
    )
    const found = new Map<string, { conversation: Conversation; queues: QueueName[] }>()
    QUEUES.forEach((queue, i) => {
      for (const conversation of lists[i] ?? []) {
        const entry = found.get(conversation.id) ?? { conversation, queues: [] }
        entry.queues.push(queue)
        found.set(conversation.id, entry)
      }
    })
    const before = await this.#replica.conversations.inQueues(this.connection, account)
    for (const { conversation, queues } of found.values()) {
      await this.#replica.conversations.upsert(conversation, { account, queues }, this.#origin)
    }
    // A ticket that left the queues stays listed until it is read by id (stage `left`): it
    // leaves them with its final status, never in a state the upstream did not show.
    const left = [...before.keys()].filter((id) => !found.has(id))
    cp.left = [...(cp.left ?? []), ...left]
    return 0
  }

  /** The notes of one ticket whose notes are out of date. */
  async #notes(cp: Checkpoint): Promise<number> {
    const due = await this.#replica.conversations.dueForNotes(this.connection)
    if (due === undefined) {
      cp.stage = 'left'
      return 0
    }
    await this.#readNotes(due)
    return 0
  }

  async #left(state: SyncState, cp: Checkpoint): Promise<number> {
    const id = cp.left?.shift()
    if (id !== undefined) {
      const stored = await this.#replica.conversations.get(id)
      if (stored === undefined) return 0
      try {
        const conversation = await this.#adapter.tickets.get(stored.conversation.remoteId, {
          includeRemote: false,
          fresh: true,
        })
        await this.#replica.conversations.upsert(conversation, { account: stored.account, queues: [] }, this.#origin)
        if (notesSignature(conversation) !== stored.notesSignature) await this.#readNotes(conversation)
      } catch (err) {
        if (!(err instanceof ProblemError) || err.status !== 404) throw err
        await this.#replica.messages.remove(await this.#replica.messages.idsOfConversation(id), this.#origin)
        await this.#replica.conversations.remove(id, this.#origin)
      }
      return 0
    }
    delete cp.left
    // A pass is complete: the replica holds what the upstream showed when it began.
    if (state.phase === 'backfilling') {
      state.phase = 'live'
      state.backfilledAt = new Date().toISOString()
    }
    state.participantsComplete = true
    state.lastSuccessAt = cp.passStartedAt ?? new Date().toISOString()
    cp.stage = 'idle'
    // Passes start one interval apart, however long the last one took.
    cp.nextPollAt = Date.parse(state.lastSuccessAt) + this.#pollMs
    return 0
  }

  async #readNotes(conversation: Conversation): Promise<void> {
    const notes = await this.#adapter.tickets.notes(
      conversation.remoteId,
      { includeRemote: false },
      conversation.tags,
      true,
    )
    await this.#replica.messages.upsert(notes, true, this.#origin)
    await this.#replica.conversations.notesRead(conversation.id, notesSignature(conversation))
  }

  async #accountIds(): Promise<string[]> {
    const accounts = await this.#replica.directory.list<{ remoteId: string }>(this.connection, 'account', null)
    return accounts.map((a) => a.remoteId)
  }
}
