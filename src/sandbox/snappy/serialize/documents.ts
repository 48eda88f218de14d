import type { DocumentRecord } from '../store/records.js'
import { sqlTime } from '../../../upstreams/snappy/wire.js'

/** The documented shape; a document's tags are kept but, as in the docs, not listed. */
export function documentJson(document: DocumentRecord) {
  return {
    id: document.id,
    account_id: document.accountId,
    filename: document.filename,
    type: document.type,
    size: document.size,
    storage_key: document.storageKey,
    created_at: sqlTime(document.createdAt),
    updated_at: sqlTime(document.updatedAt),
  }
}
