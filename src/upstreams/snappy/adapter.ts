/**
 * Snappy behind the SourceAdapter interface: a note is a Message (list them across the
 * account queues, read one, or send one with `POST /note`). Snappy's other resources hang
 * off the adapter as one class each.
 */
import type { ConnectionConfig } from '../../config.js'
import { badUpstreamResponse, invalidField, invalidId, unsupportedBySource, validationFailed } from '../../errors.js'
import { decodeIdFor } from '../../ids.js'
import type { Message } from '../../schemas/message.js'
import type { BatchBookMessageInput, SnappyMessageInput } from '../../schemas/message-input.js'
import type { MessagePage, MessagePageQuery, MessageReadOptions, SourceAdapter } from '../adapter.js'
import type { UpstreamEngine } from '../engine.js'
import { SnappyDirectory } from './directory.js'
import { SnappyDocuments } from './documents.js'
import { SnappyFaqs } from './faqs.js'
import { checkNoteInput, findSentNote, noteRequest, readNonce } from './note.js'
import { describeSnappy, notFound } from './resource.js'
import { SnappyTickets, invalidationOf } from './tickets.js'
import { listSnappyMessages } from './timeline.js'
import { SnappyWall } from './wall.js'

/** How long a note given to one caller stays out of reach of others' matches. */
const TAKEN_FOR_MS = 10 * 60 * 1000

export class SnappyAdapter implements SourceAdapter {
  readonly connection: ConnectionConfig
  readonly engine: UpstreamEngine
  readonly directory: SnappyDirectory
  readonly tickets: SnappyTickets
  readonly documents: SnappyDocuments
  readonly wall: SnappyWall
  readonly faqs: SnappyFaqs

  constructor(client: UpstreamEngine) {
    this.engine = client
    this.connection = client.connection
    this.directory = new SnappyDirectory(client)
    this.tickets = new SnappyTickets(client)
    this.documents = new SnappyDocuments(client)
    this.wall = new SnappyWall(client)
    this.faqs = new SnappyFaqs(client)
  }

  listMessages(query: MessagePageQuery, options: MessageReadOptions): Promise<MessagePage> {
    return listSnappyMessages(
      { connection: this.connection.name, directory: this.directory, tickets: this.tickets },
      query,
      options,
    )
  }

  /** `parts` = [ticketId, noteId]. Snappy has no note endpoint: the ticket's notes are read. */
  async getMessage(parts: readonly string[], options: MessageReadOptions): Promise<Message> {
    const [ticket, note] = parts
    if (ticket === undefined || note === undefined) throw invalidId('A Snappy message id names a ticket and a note')
    const notes = await this.tickets.notes(ticket, options, undefined, options.fresh === true)
    const found = notes.find((m) => m.remoteId === note)
    if (found === undefined) throw notFound(this.connection.name, 'note')
    return found
  }

  /**
   * Sends a note: a new ticket in `mailboxId`, or a reply into `conversationId` (posted by
   * the ticket's nonce, as Snappy wants). Snappy answers only the ticket's nonce, so the
   * ticket's notes are read once, fresh, and the caller's own note is found among them by
   * what was sent (`findSentNote`). The ticket's tags are known without another read: those
   * it had plus those sent.
   */
  async createMessage(
    input: BatchBookMessageInput | SnappyMessageInput,
    options: MessageReadOptions,
  ): Promise<Message> {
    if (input.source !== 'snappy') throw validationFailed('This connection takes Snappy messages only')
    checkNoteInput(input)
    const given =
      input.mailboxId === undefined
        ? undefined
        : (decodeIdFor('mailbox', input.mailboxId, this.connection, 2) as [string, string])
    const staff = input.staffId === undefined ? undefined : decodeIdFor('staff', input.staffId, this.connection, 1)[0]
    let nonce: string | undefined
    let tags = input.tags ?? []
    let account = given?.[0]
    let mailbox = given?.[1]
    const invalidate: string[] = []
    if (input.conversationId !== undefined) {
      const [ticket] = decodeIdFor('conversation', input.conversationId, this.connection, 1) as [string]
      const facts = await this.tickets.facts(ticket)
      if (account !== undefined && facts.account !== account) {
        throw invalidField(
          'body/conversationId',
          'not in the mailbox’s account',
          'The conversation is in another account than the mailbox',
        )
      }
      // A reply goes to its conversation's mailbox unless the client named one.
      account = facts.account
      mailbox ??= facts.mailbox
      if (facts.nonce === null)
        throw unsupportedBySource('Snappy did not give this conversation a nonce, so it cannot be replied into')
      nonce = facts.nonce
      // The same cached read that gave the facts.
      const existing = (await this.tickets.get(ticket, { includeRemote: false })).tags
      tags = [...new Set([...existing, ...tags])]
      invalidate.push(...invalidationOf(facts))
    }
    if (account === undefined || mailbox === undefined)
      throw new Error('checkNoteInput lets no note through without a mailbox')
    invalidate.push(`queues:${account}`, `search:${account}`, `contacts:${account}`)
    const postedAt = this.engine.clock.now()
    const res = await this.engine.write(noteRequest(input, { mailbox, staff, nonce }), {
      invalidate,
      describe: describeSnappy,
    })
    const created = readNonce(res.body, this.connection.name)
    const notes = await this.tickets.notes(created, options, tags, true)
    const mine = findSentNote(notes, input, nonce === undefined ? null : postedAt, (note) => this.#taken.has(note.id))
    if (mine === undefined) {
      throw badUpstreamResponse(
        this.connection.name,
        'snappy',
        res.status,
        "accepted the note, but it is not among the ticket's notes yet",
      )
    }
    this.#take(mine.id)
    return mine
  }

  /** Notes given to callers in the last few minutes (see `findSentNote`). */
  readonly #taken = new Map<string, number>()

  #take(id: string): void {
    const now = this.engine.clock.now()
    for (const [taken, at] of this.#taken) {
      if (now - at < TAKEN_FOR_MS) break
      this.#taken.delete(taken)
    }
    this.#taken.set(id, now)
  }
}
