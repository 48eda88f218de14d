/** Streams a stored file with its recorded type and exact length. */
import type { FastifyReply } from 'fastify'
import type { FileStorage } from '../files.js'
import type { StoredFile } from '../store/records.js'

export function sendStoredFile(reply: FastifyReply, files: FileStorage, file: StoredFile): FastifyReply {
  return reply
    .type(file.type)
    .header('content-length', String(file.size))
    .header('content-disposition', contentDisposition(file.filename))
    .send(files.open(file.filePath))
}

/** An ASCII fallback name plus the exact UTF-8 name (RFC 6266 / 5987). */
function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}
