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
 * 4. each ticket that left the queues, read once (gone upstream: it leaves the store with
 *    its notes);
 * 5. a few tickets in no queue, read again by id, least recently checked first: a ticket
 *    closed long ago can still be deleted, and no queue would show it. As many a pass as the
 *    reconcile's share of the rate limit allows over one poll interval (at least one).
 *
 * The first pass is the backfill. The checkpoint holds the stage and what is left of it, so a
 * restart resumes within the pass; the tickets due for notes are known from the store.
 */
import { isoNow } from '../clock.js'
import type { SyncConfig } from '../config.js'
import { ProblemError } from '../errors.js'
import type { Conversation } from '../schemas/conversation.js'
import type { SnappyAdapter } from '../upstreams/snappy/adapter.js'
import { QUEUES, type QueueName } from '../upstreams/snappy/tickets.js'
import { type StoredConversation, notesSignature } from '../store/conversations.js'
import type { EventOrigin } from '../store/events.js'
import type { Store } from '../store/index.js'
import { type SyncState, countDeletion, reportOf, startOver } from '../store/sync-state.js'
import type { ConnectionSync } from './connection-sync.js'

/** The directory is read again every this many passes (it changes rarely). */
export const DIRECTORY_EVERY = 20

type Stage = 'directory' | 'queues' | 'notes' | 'left' | 'recheck' | 'idle'

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
  /** Recheck stage: tickets in no queue still to read by id in this pass. */
  rechecks?: number
  nextPollAt?: number
}

/** Tickets in no queue read again in one pass, from the reconcile's share of the rate limit. */
export function rechecksPerPass(config: SyncConfig, limit: { max: number; windowMs: number }): number {
  return Math.max(1, Math.floor((config.reconcileShare * limit.max * config.pollMs.snappy) / limit.windowMs))
}

export class SnappySync implements ConnectionSync {
  readonly connection: string
  readonly source = 'snappy'
  readonly #adapter: SnappyAdapter
  readonly #store: Store
  readonly #config: SyncConfig
  #origin: EventOrigin | null = null

  constructor(adapter: SnappyAdapter, store: Store, config: SyncConfig) {
    this.connection = adapter.connection.name
    this.#adapter = adapter
    this.#store = store
    this.#config = config
  }

  async step(state: SyncState): Promise<number> {
    const cp = state.checkpoint as Checkpoint
    // The first pass is the backfill: what it finds was there before, not a change.
    this.#origin = state.phase === 'live' ? 'sync' : null
    switch (cp.stage ?? 'idle') {
      case 'idle': {
        const wait = (cp.nextPollAt ?? 0) - this.#store.clock.now()
        if (wait > 0) return wait
        cp.passStartedAt = isoNow(this.#store.clock)
        cp.passes = (cp.passes ?? 0) + 1
        cp.stage = state.phase === 'backfilling' || cp.passes % DIRECTORY_EVERY === 1 ? 'directory' : 'queues'
        if (cp.stage === 'queues') cp.accounts = await this.#accountIds()
        return 0
      }
      case 'directory':
        return this.#directory(state, cp)
      case 'queues':
        return this.#queues(cp)
      case 'notes':
        return this.#notes(cp)
      case 'left':
        return this.#left(state, cp)
      case 'recheck':
        return this.#recheck(state, cp)
    }
  }

  async #directory(state: SyncState, cp: Checkpoint): Promise<number> {
    const directory = this.#adapter.directory
    if (cp.directory === undefined) {
      const accounts = await directory.accounts(true)
      const known = await this.#accountIds()
      if (known.length > 0 && !accounts.some((a) => known.includes(a.remoteId))) {
        // None of the accounts this key sees is one the store holds: the connection now
        // points at another Snappy company. Its records go, and this pass is a backfill.
        await this.#store.forgetConnection(this.connection)
        startOver(state)
        return 0
      }
      await this.#store.directory.replace(this.connection, 'account', null, accounts)
      cp.directory = accounts.map((a) => a.remoteId)
      return 0
    }
    const account = cp.directory.shift()
    if (account !== undefined) {
      const [mailboxes, staff] = await Promise.all([directory.mailboxes(account, true), directory.staff(account, true)])
      await this.#store.directory.replace(this.connection, 'mailbox', account, mailboxes)
      await this.#store.directory.replace(this.connection, 'staff', account, staff)
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
    const before = await this.#store.conversations.inQueues(this.connection, account)
    for (const { conversation, queues } of found.values()) {
      // Most of a queue is as it was at the last pass: nothing to write for those.
      const stored = before.get(conversation.id)
      if (stored !== undefined && sameConversation(stored, conversation, queues)) continue
      await this.#store.conversations.upsert(conversation, { account, queues }, this.#origin)
    }
    // A ticket that left the queues stays listed until it is read by id (stage `left`): it
    // leaves them with its final status, never in a state the upstream did not show.
    const left = [...before.keys()].filter((id) => !found.has(id))
    cp.left = [...(cp.left ?? []), ...left]
    return 0
  }

  /** The notes of one ticket whose notes are out of date. */
  async #notes(cp: Checkpoint): Promise<number> {
    const due = await this.#store.conversations.dueForNotes(this.connection)
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
      if (await this.#readById(id)) countDeletion(state)
      return 0
    }
    delete cp.left
    cp.stage = 'recheck'
    cp.rechecks = rechecksPerPass(this.#config, this.#adapter.connection.rateLimit)
    return 0
  }

  /** One ticket in no queue, read again; then, with none left for this pass, the pass ends. */
  async #recheck(state: SyncState, cp: Checkpoint): Promise<number> {
    const started = cp.passStartedAt ?? isoNow(this.#store.clock)
    if ((cp.rechecks ?? 0) > 0) {
      const [id] = await this.#store.conversations.dueForRecheck(this.connection, started, 1)
      if (id !== undefined) {
        cp.rechecks = (cp.rechecks ?? 1) - 1
        if (await this.#readById(id)) countDeletion(state)
        return 0
      }
    }
    delete cp.rechecks
    // A pass is complete: the store holds what the upstream showed when it began.
    if (state.phase === 'backfilling') {
      state.phase = 'live'
      state.backfilledAt = isoNow(this.#store.clock)
    }
    state.participantsComplete = true
    state.lastSuccessAt = started
    cp.stage = 'idle'
    // Passes start one interval apart, however long the last one took.
    cp.nextPollAt = Date.parse(started) + this.#config.pollMs.snappy
    const report = reportOf(state)
    report.reconciledAt = isoNow(this.#store.clock)
    report.nextReconcileAt = new Date(cp.nextPollAt).toISOString()
    return 0
  }

  /**
   * Reads a stored ticket by id for its current state (and its notes, when they changed);
   * one the upstream no longer has leaves the store with its notes. True when it was gone.
   */
  async #readById(id: string): Promise<boolean> {
    const stored = await this.#store.conversations.get(id)
    if (stored === undefined) return false
    try {
      const conversation = await this.#adapter.tickets.get(stored.conversation.remoteId, {
        includeRemote: false,
        fresh: true,
      })
      await this.#store.conversations.upsert(conversation, { account: stored.account, queues: [] }, this.#origin)
      await this.#store.conversations.markChecked(id, isoNow(this.#store.clock))
      if (notesSignature(conversation) !== stored.notesSignature) await this.#readNotes(conversation)
      return false
    } catch (err) {
      if (!(err instanceof ProblemError) || err.status !== 404) throw err
      await this.#store.forgetConversation(id, this.#origin)
      return true
    }
  }

  async #readNotes(conversation: Conversation): Promise<void> {
    const notes = await this.#adapter.tickets.notes(
      conversation.remoteId,
      { includeRemote: false },
      conversation.tags,
      true,
    )
    await this.#store.messages.upsert(notes, true, this.#origin)
    await this.#store.conversations.notesRead(conversation.id, notesSignature(conversation))
  }

  async #accountIds(): Promise<string[]> {
    const accounts = await this.#store.directory.list<{ remoteId: string }>(this.connection, 'account', null)
    return accounts.map((a) => a.remoteId)
  }
}

/** Whether a ticket read from the queues is the one stored, in the same queues. */
function sameConversation(stored: StoredConversation, read: Conversation, queues: readonly QueueName[]): boolean {
  const { remote: _remote, ...doc } = read
  return JSON.stringify(doc) === JSON.stringify(stored.conversation) && queues.join() === stored.queues.join()
}
