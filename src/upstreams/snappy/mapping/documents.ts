/** Account documents → Document. `storage_key` (where Snappy keeps the bytes) stays behind. */
import { encodeId } from '../../../ids.js'
import type { Document } from '../../../schemas/document.js'
import { asObject, idOf, optionalInteger, optionalString, requiredTime } from '../codec.js'
import { accountId, snappyId, timeOr } from './directory.js'

function documentId(connection: string, account: string, document: string): string {
  return encodeId('document', snappyId(connection, [account, document]))
}

export function toDocument(value: unknown, connection: string, account: string): Document {
  const d = asObject(value, 'document')
  const remoteId = idOf(d.id, 'document id')
  const owner = idOf(d.account_id ?? account, 'document account_id')
  const id = documentId(connection, owner, remoteId)
  const createdAt = requiredTime(d.created_at, 'document created_at')
  return {
    id,
    source: 'snappy',
    connection,
    remoteId,
    accountId: accountId(connection, owner),
    filename: optionalString(d.filename, 'document filename') ?? 'document',
    contentType: optionalString(d.type, 'document type') ?? 'application/octet-stream',
    size: Math.max(0, optionalInteger(d.size, 'document size') ?? 0),
    downloadUrl: `/v1/documents/${id}/content`,
    createdAt,
    updatedAt: timeOr(d.updated_at, 'document updated_at', createdAt),
  }
}
