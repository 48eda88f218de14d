/**
 * The records layer: between the routes and what answers them (the store, the sync's copy of
 * the upstreams, and the upstreams themselves). One owner per resource decides whether a read
 * may come from the store, writes through what an upstream accepted, and appends the events.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { EventsConfig, OperationsConfig, SyncConfig } from '../config.js'
import type { Store } from '../store/index.js'
import { ConversationRecords } from './conversations.js'
import { DirectoryRecords } from './directory.js'
import { EventRecords } from './events.js'
import { MessageRecords } from './messages.js'
import { OperationRecords } from './operations.js'
import { SourceRecords } from './sources.js'
import { WebhookRecords } from './webhooks.js'
import { WriteThrough } from './write-through.js'

export interface RecordsOptions {
  sync: SyncConfig
  events: EventsConfig
  operations: OperationsConfig
  /** The spacing of a connection's calls at its rate limit (ms): queue estimates count in it. */
  intervalOf(connection: string): number
}

export class Records {
  readonly messages: MessageRecords
  readonly conversations: ConversationRecords
  readonly directory: DirectoryRecords
  readonly sources: SourceRecords
  readonly events: EventRecords
  readonly webhooks: WebhookRecords
  readonly operations: OperationRecords

  constructor(store: Store | null, options: RecordsOptions, log: FastifyBaseLogger) {
    const writes = new WriteThrough(store, log)
    this.messages = new MessageRecords(writes)
    this.conversations = new ConversationRecords(writes)
    this.directory = new DirectoryRecords(store)
    this.sources = new SourceRecords(store, options.sync)
    this.events = new EventRecords(store, options.events)
    this.webhooks = new WebhookRecords(store, options.events)
    this.operations = new OperationRecords(store, { config: options.operations, intervalOf: options.intervalOf })
  }
}

export type { Answer, Valued } from './answer.js'
