/**
 * Tickets and their notes: queues, search, one ticket, its notes, tags, status, deletion
 * and attachment downloads.
 *
 * Cache tags: a ticket and its notes are tagged `ticket:<segment>` by the id or nonce they
 * were read with (reads by nonce also `ticket-nonces`), queue lists `queues:<account>`,
 * searches `search:<account>` (and all of them `queues` and `search`). A write to a ticket named
 * by its numeric id is sent at once and invalidates every queue and search of the connection,
 * since it cannot know the account without a read; one named by its nonce first learns the
 * ticket's id, nonce and account (one read, usually cached), as the write paths need the id,
 * and invalidates precisely.
 */
import { ProblemError } from '../../errors.js'
import type { Conversation } from '../../schemas/conversation.js'
import type { Message } from '../../schemas/message.js'
import type { StreamedResponse, UpstreamMethod } from '../transport.js'
import { asArray, asObject, idOf, optionalInteger } from './codec.js'
import { newestFirst, toConversation, toMessage } from './mapping/tickets.js'
import { SnappyResource, answerAs, describeSnappy, isNonce, num, ticketSegment } from './resource.js'
import { type QueueName, SNAPPY_PATHS } from './wire.js'

export { QUEUES, type QueueName } from './wire.js'

export interface ReadOptions {
  includeRemote: boolean
  /** Read the upstream, not the cache (the sync, and a client's `Cache-Control: no-cache`). */
  fresh?: boolean
}

/** What a write needs to know about a ticket. */
export interface TicketFacts {
  id: string
  nonce: string | null
  account: string
  mailbox: string
}

interface CachedTicket {
  /** Mapped with `remote`, which is dropped again unless asked for. */
  conversation: Conversation
  facts: TicketFacts
}

export interface SearchPage {
  items: Conversation[]
  total: number
  page: number
}

export type QueueScope = { account: string } | { account: string; mailbox: string }

function withoutRemote<T extends { remote?: unknown }>(record: T, options: ReadOptions): T {
  if (options.includeRemote) return record
  const { remote: _remote, ...rest } = record
  return rest as T
}

export class SnappyTickets extends SnappyResource {
  queue(scope: QueueScope, queue: QueueName, options: ReadOptions): Promise<Conversation[]> {
    const path =
      'mailbox' in scope
        ? SNAPPY_PATHS.queue('mailbox', queue).path({ id: num(scope.mailbox) })
        : SNAPPY_PATHS.queue('account', queue).path({ id: num(scope.account) })
    return this.read(path, {
      kind: 'list',
      fresh: options.fresh === true,
      tags: [`queues:${scope.account}`, 'queues'],
      map: (json) => asArray(json, queue).map((t) => this.#ticket(t).conversation),
    }).then((list) => list.map((c) => withoutRemote(c, options)))
  }

  async search(account: string, query: string, page: number, options: ReadOptions): Promise<SearchPage> {
    const result = await this.read(SNAPPY_PATHS.search.path({ id: num(account) }), {
      kind: 'list',
      tags: [`search:${account}`, 'search'],
      query: { query, page },
      map: (json) => {
        const body = asObject(json, 'search answer')
        const meta = body.meta === undefined || body.meta === null ? {} : asObject(body.meta, 'search meta')
        const items = asArray(body.data, 'search data').map((t) => this.#ticket(t).conversation)
        return {
          items,
          total: optionalInteger(meta.total, 'meta total') ?? items.length,
          page: optionalInteger(meta.page, 'meta page') ?? page,
        }
      },
    })
    return { ...result, items: result.items.map((c) => withoutRemote(c, options)) }
  }

  async get(ref: string, options: ReadOptions): Promise<Conversation> {
    return withoutRemote((await this.#read(ref, options.fresh === true)).conversation, options)
  }

  async facts(ref: string): Promise<TicketFacts> {
    return (await this.#read(ref)).facts
  }

  /**
   * The ticket's notes as Messages, newest first, with the ticket's tags. Unless the caller
   * already knows them (a queue listing carries them), the ticket is read alongside for its
   * tags only: if that read fails while the notes answered, the notes are still served,
   * without tags ("the ticket's tags when known").
   */
  async notes(ref: string, options: ReadOptions, knownTags?: string[], fresh = false): Promise<Message[]> {
    const segment = ticketSegment(ref)
    const [notes, ticket] = await Promise.all([
      this.read(SNAPPY_PATHS.ticketNotes.path({ id: segment }), {
        kind: 'list',
        fresh,
        tags: this.#readTags(segment),
        map: (json) => asArray(json, 'notes').map((n) => toMessage(n, this.connection, { includeRemote: true })),
      }),
      knownTags !== undefined
        ? undefined
        : this.#read(segment).catch((err: unknown) => {
            if (err instanceof ProblemError) return undefined
            throw err
          }),
    ])
    const tags = knownTags ?? ticket?.conversation.tags ?? []
    return notes.map((m) => withoutRemote({ ...m, tags: [...tags] }, options)).sort(newestFirst)
  }

  setTags(ref: string, tags: string[], options: ReadOptions): Promise<Conversation> {
    return this.#change(ref, 'POST', (id) => SNAPPY_PATHS.ticketTags.path({ id }), { tags }, options)
  }

  setStatus(ref: string, status: string, options: ReadOptions): Promise<Conversation> {
    return this.#change(ref, 'PUT', (id) => SNAPPY_PATHS.ticketStatus.path({ id }), { status }, options)
  }

  /** One write to a ticket's sub-resource; its answer (or a read-back) is the changed conversation. */
  async #change(
    ref: string,
    method: UpstreamMethod,
    path: (id: string) => string,
    body: unknown,
    options: ReadOptions,
  ): Promise<Conversation> {
    const { id, invalidate } = await this.#target(ref)
    const res = await this.send(method, path(num(id)), body, invalidate)
    return this.#afterWrite(
      id,
      answerAs(res, (json) => this.#ticket(json).conversation),
      options,
    )
  }

  async remove(ref: string): Promise<void> {
    const { id, invalidate } = await this.#target(ref)
    await this.send('DELETE', SNAPPY_PATHS.ticket.path({ id: num(id) }), undefined, invalidate)
  }

  /** The ticket id a write goes to, and what it may change (see the header comment). */
  async #target(ref: string): Promise<{ id: string; invalidate: string[] }> {
    if (!isNonce(ref)) return { id: num(ref), invalidate: [`ticket:${ref}`, 'ticket-nonces', 'queues', 'search'] }
    const facts = await this.facts(ref)
    return { id: facts.id, invalidate: invalidationOf(facts) }
  }

  /** Streams an attachment of the ticket `ref` (id or nonce); Snappy checks it belongs there. */
  attachment(ref: string, attachment: string): Promise<StreamedResponse> {
    return this.engine.download(
      {
        method: 'GET',
        path: SNAPPY_PATHS.attachmentDownload.path({ id: ticketSegment(ref), attachment: num(attachment) }),
      },
      { describe: describeSnappy },
    )
  }

  async #afterWrite(id: string, answered: Conversation | undefined, options: ReadOptions): Promise<Conversation> {
    // The answer to a ticket write is undocumented: use it when it is the ticket, else read it back.
    const conversation =
      answered !== undefined && answered.remoteId === id ? answered : (await this.#read(id, true)).conversation
    return withoutRemote(conversation, options)
  }

  #read(ref: string, fresh = false): Promise<CachedTicket> {
    const segment = ticketSegment(ref)
    return this.read(SNAPPY_PATHS.ticket.path({ id: segment }), {
      kind: 'record',
      tags: this.#readTags(segment),
      map: (json) => this.#ticket(json),
      fresh,
    })
  }

  #readTags(segment: string): string[] {
    return isNonce(segment) ? [`ticket:${segment}`, 'ticket-nonces'] : [`ticket:${segment}`]
  }

  #ticket(json: unknown): CachedTicket {
    const conversation = toConversation(json, this.connection, { includeRemote: true })
    const record = asObject(json, 'ticket')
    return {
      conversation,
      facts: {
        id: conversation.remoteId,
        nonce: conversation.nonce,
        account: idOf(record.account_id, 'ticket account_id'),
        mailbox: idOf(record.mailbox_id, 'ticket mailbox_id'),
      },
    }
  }
}

/** Everything a write to this ticket may change. */
export function invalidationOf(facts: TicketFacts): string[] {
  return [
    `ticket:${facts.id}`,
    // Without the nonce, reads by nonce cannot be told apart: forget them all.
    facts.nonce === null ? 'ticket-nonces' : `ticket:${facts.nonce}`,
    `queues:${facts.account}`,
    `search:${facts.account}`,
  ]
}
