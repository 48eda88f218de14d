/**
 * The simulator's whole state, grouped by resource. Tests read and prepare records through
 * these typed sub-stores; the HTTP routes use the same methods.
 */
import { FileStorage } from '../files.js'
import { NonceSource } from '../ids.js'
import { toUnix, type Unix } from '../../../upstreams/snappy/wire.js'
import { Directory } from './directory.js'
import { DocumentStore } from './documents.js'
import { FaqStore } from './faqs.js'
import type { IoTracker } from '../files.js'
import { TicketStore } from './tickets.js'
import { WallStore } from './wall.js'

export interface SnappyStoreOptions {
  /** Directory for uploaded bytes; a fresh temporary one when absent. */
  storageDir?: string
  /** Milliseconds, like `Date.now`. */
  now?: () => number
  /** Told of the disk I/O of uploads and downloads (a virtual clock waits for it). */
  io?: IoTracker
}

export class SnappyStore {
  readonly files: FileStorage
  readonly directory: Directory
  readonly tickets: TicketStore
  readonly documents: DocumentStore
  readonly wall: WallStore
  readonly faqs: FaqStore
  /** The current time in Unix seconds. */
  readonly now: () => Unix

  constructor(options: SnappyStoreOptions = {}) {
    const clock = options.now ?? Date.now
    this.now = () => toUnix(clock())
    const nonces = new NonceSource()
    this.files = new FileStorage(options.storageDir, options.io)
    this.directory = new Directory(this.now)
    this.tickets = new TicketStore(this.directory, this.files, nonces, this.now)
    this.documents = new DocumentStore(this.directory, this.files, nonces, this.now)
    this.wall = new WallStore(this.now)
    this.faqs = new FaqStore(this.now)
  }
}

export type { Directory } from './directory.js'
export type { DocumentStore } from './documents.js'
export type { FaqStore } from './faqs.js'
export type { TicketStore } from './tickets.js'
export type { WallStore } from './wall.js'
export type * from './records.js'
