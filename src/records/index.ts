/**
 * The records layer: between the routes and what answers them (the store, the sync's copy of
 * the upstreams, and the upstreams themselves). One owner per resource decides whether a read
 * may come from the store, writes through what an upstream accepted, and appends the events.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { EventsConfig, SyncConfig } from '../config.js'
import type { Store } from '../store/index.js'
import { ConversationRecords } from './conversations.js'
import { DirectoryRecords } from './directory.js'
import { EventRecords } from './events.js'
import { MessageRecords } from './messages.js'
import { SourceRecords } from './sources.js'
import { WebhookRecords } from './webhooks.js'
import { WriteThrough } from './write-through.js'

export class Records {
  readonly messages: MessageRecords
  readonly conversations: ConversationRecords
  readonly directory: DirectoryRecords
  readonly sources: SourceRecords
  readonly events: EventRecords
  readonly webhooks: WebhookRecords

  constructor(store: Store | null, config: { sync: SyncConfig; events: EventsConfig }, log: FastifyBaseLogger) {
    const writes = new WriteThrough(store, log)
    this.messages = new MessageRecords(writes)
    this.conversations = new ConversationRecords(writes)
    this.directory = new DirectoryRecords(store)
    this.sources = new SourceRecords(store, config.sync)
    this.events = new EventRecords(store, config.events)
    this.webhooks = new WebhookRecords(store, config.events)
  }
}

export type { Answer, Valued } from './answer.js'
