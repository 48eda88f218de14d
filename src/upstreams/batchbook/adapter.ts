/** BatchBook communications behind the SourceAdapter interface. */
import type { ConnectionConfig } from '../../config.js'
import { type MessagePage, type MessagePageQuery, type SourceAdapter } from '../adapter.js'
import type { UpstreamClient } from '../client.js'
import type { Message } from '../../schemas/message.js'
import { toMessage } from './mapping.js'
import { XmlDecodeError, asArray, decodeXml } from './xml.js'

/** BatchBook's documented default page size; a larger maximum is not documented. */
export const BATCHBOOK_PAGE_SIZE = 10

export interface BatchBookAdapterOptions {
  maxDocumentBytes: number
}

export class BatchBookAdapter implements SourceAdapter {
  readonly connection: ConnectionConfig
  readonly client: UpstreamClient
  readonly #maxBytes: number

  constructor(client: UpstreamClient, options: BatchBookAdapterOptions) {
    this.client = client
    this.connection = client.connection
    this.#maxBytes = options.maxDocumentBytes
  }

  /** Reads upstream pages of at most 10 from `offset` until `limit` messages are in hand. */
  async listMessages(query: MessagePageQuery): Promise<MessagePage> {
    const items: MessagePage['items'] = []
    let offset = query.offset
    while (items.length < query.limit) {
      const want = Math.min(BATCHBOOK_PAGE_SIZE, query.limit - items.length)
      const page = await this.client.read(
        { method: 'GET', path: '/service/communications.xml', query: { offset, limit: want }, headers: { accept: 'application/xml' } },
        { kind: 'list', tags: ['communications'], decode: (res) => this.#decodeList(res.body) },
      )
      items.push(...page)
      offset += page.length
      if (page.length < want) return { items, exhausted: true }
    }
    return { items, exhausted: false }
  }

  #decodeList(body: Buffer): Message[] {
    const { root, value } = decodeXml(body, this.#maxBytes)
    if (root !== 'communications') throw new XmlDecodeError(`expected <communications>, got <${root}>`)
    return asArray(value, 'communications').map((c) => toMessage(c, this.connection.name))
  }
}
