/** What every source adapter offers the routes. Operations a source lacks are absent. */
import type { ConnectionConfig } from '../config.js'
import type { Message } from '../schemas/message.js'
import type { Capabilities } from '../schemas/source.js'
import type { UpstreamClient } from './client.js'

export interface MessagePageQuery {
  /** Position in this connection's newest-first sequence. */
  offset: number
  limit: number
}

export interface MessagePage {
  /** Newest first by `sentAt`. */
  items: Message[]
  /** True when the upstream has nothing after these items. */
  exhausted: boolean
}

export interface SourceAdapter {
  readonly connection: ConnectionConfig
  readonly client: UpstreamClient
  readonly capabilities: Capabilities
  listMessages?(query: MessagePageQuery): Promise<MessagePage>
}

export function noCapabilities(): Capabilities {
  return {
    messages: { list: false, read: false, create: false, update: false, delete: false, participants: false, tags: false, comments: false },
  }
}
