/** Snappy behind the SourceAdapter interface; operations are added as they are mapped. */
import type { ConnectionConfig } from '../../config.js'
import type { SourceAdapter } from '../adapter.js'
import type { UpstreamClient } from '../client.js'

export class SnappyAdapter implements SourceAdapter {
  readonly connection: ConnectionConfig
  readonly client: UpstreamClient

  constructor(client: UpstreamClient) {
    this.client = client
    this.connection = client.connection
  }
}
