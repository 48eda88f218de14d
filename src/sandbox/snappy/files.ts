/**
 * Where document and attachment bytes live. Uploads are piped straight to disk and downloads
 * piped straight from it, so a large file never sits whole in memory.
 */
import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, type ReadStream, writeFileSync } from 'node:fs'
import { rm, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { finished, pipeline } from 'node:stream/promises'

/** Passes real I/O under way to whoever keeps time (see Clock.io); the real clock ignores it. */
export type IoTracker = <T>(work: Promise<T>) => Promise<T>

export interface WrittenFile {
  filePath: string
  size: number
}

export class FileStorage {
  readonly dir: string
  /** Only a directory this class created is removed on destroy; a caller's stays. */
  readonly #owned: boolean
  readonly #io: IoTracker

  constructor(dir?: string, io: IoTracker = (work) => work) {
    this.#io = io
    if (dir === undefined) {
      this.dir = mkdtempSync(join(tmpdir(), 'snappy-sandbox-'))
      this.#owned = true
    } else {
      mkdirSync(dir, { recursive: true })
      this.dir = dir
      this.#owned = false
    }
  }

  /** Small, already-in-memory bytes (seed data, base64 attachments of a JSON body). */
  writeBytes(bytes: Uint8Array): WrittenFile {
    const filePath = this.#newPath()
    writeFileSync(filePath, bytes)
    return { filePath, size: bytes.byteLength }
  }

  /** Streams `source` to a new file, counting bytes on the way. */
  async writeStream(source: Readable): Promise<WrittenFile> {
    const filePath = this.#newPath()
    let size = 0
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length
        callback(null, chunk)
      },
    })
    try {
      await this.#io(pipeline(source, counter, createWriteStream(filePath)))
    } catch (err) {
      await this.remove(filePath)
      throw err
    }
    return { filePath, size }
  }

  open(filePath: string): ReadStream {
    const stream = createReadStream(filePath)
    void this.#io(finished(stream).catch(() => undefined))
    return stream
  }

  async remove(filePath: string): Promise<void> {
    await unlink(filePath).catch(() => undefined)
  }

  async destroy(): Promise<void> {
    if (this.#owned) await rm(this.dir, { recursive: true, force: true })
  }

  #newPath(): string {
    // The on-disk name is independent of `storage_key`, so two simulators sharing a
    // directory never overwrite each other's files.
    return join(this.dir, randomUUID())
  }
}
