/** An account's shared documents; bytes on disk, metadata here. */
import type { FileStorage } from '../files.js'
import type { NonceSource } from '../ids.js'
import type { Unix } from '../../../upstreams/snappy/wire.js'
import type { Directory } from './directory.js'
import type { DocumentRecord } from './records.js'
import { Table } from './table.js'

export interface DocumentInput {
  id?: number
  accountId: number
  filename: string
  type: string
  tags?: string[]
  storageKey?: string
  createdAt?: Unix
}

export class DocumentStore {
  readonly documents = new Table<DocumentRecord>(1200)
  readonly #directory: Directory
  readonly #files: FileStorage
  readonly #nonces: NonceSource
  readonly #now: () => Unix

  constructor(directory: Directory, files: FileStorage, nonces: NonceSource, now: () => Unix) {
    this.#directory = directory
    this.#files = files
    this.#nonces = nonces
    this.#now = now
  }

  /** Writes small in-memory bytes to disk and records the document. */
  addBytes(input: DocumentInput & { bytes: Uint8Array }): DocumentRecord {
    const { filePath, size } = this.#files.writeBytes(input.bytes)
    return this.add({ ...input, filePath, size })
  }

  /** Records a document whose bytes were already streamed to `filePath`. */
  add(input: DocumentInput & { filePath: string; size: number }): DocumentRecord {
    if (this.#directory.accounts.get(input.accountId) === undefined) throw new Error(`no account ${input.accountId}`)
    const at = input.createdAt ?? this.#now()
    return this.documents.insert({
      id: this.documents.takeId(input.id),
      accountId: input.accountId,
      filename: input.filename,
      type: input.type,
      size: input.size,
      storageKey: input.storageKey ?? this.#nonces.storageKey(),
      filePath: input.filePath,
      tags: [...(input.tags ?? [])],
      createdAt: at,
      updatedAt: at,
    })
  }

  documentsOf(accountId: number): DocumentRecord[] {
    return this.documents.filter((d) => d.accountId === accountId)
  }
}
