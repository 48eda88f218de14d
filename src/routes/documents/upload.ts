/**
 * Reads a multipart document upload as a stream: fields before the file are read first, the
 * file's bytes are handed on as they arrive, and fields after the file are read once it has
 * passed. Nothing is gathered in memory; the size bound is enforced while streaming (and
 * up front from `Content-Length`, so an honest oversized upload never reaches the upstream).
 */
import type { MultipartFile, MultipartValue, Multipart } from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import { type ProblemError, fileTooLarge, invalidField, multipartProblem, unsupportedMediaType } from '../../errors.js'
import type { DocumentUpload } from '../../upstreams/snappy/documents.js'

/** Room for the multipart framing and the small fields around the file. */
const FRAMING_BYTES = 64 * 1024
const MAX_TAGS = 50

function invalid(field: string, message: string): ProblemError {
  return invalidField(`body/${field}`, message, `${field} ${message}`)
}

/** Errors of the multipart parser as problems. */
function problemOf(err: unknown, maxBytes: number): unknown {
  return multipartProblem(err, maxBytes) ?? err
}

/** A `tags` field: a JSON-encoded list (as Snappy takes it), or one tag per field. */
function readTags(value: unknown, into: string[]): void {
  if (typeof value !== 'string') throw invalid('tags', 'must be text')
  let list: unknown = value
  if (value.trim().startsWith('[')) {
    try {
      list = JSON.parse(value)
    } catch {
      throw invalid('tags', 'must be a JSON list of strings')
    }
  }
  for (const tag of Array.isArray(list) ? list : [list]) {
    if (typeof tag !== 'string' || tag.trim() === '' || tag.length > 100 || hasControlCharacter(tag)) {
      throw invalid('tags', 'must hold tags of 1 to 100 printable characters')
    }
    into.push(tag.trim())
  }
  if (into.length > MAX_TAGS) throw invalid('tags', `may hold at most ${MAX_TAGS} tags`)
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true
  return false
}

async function drain(part: MultipartFile): Promise<void> {
  for await (const _chunk of part.file);
}

export async function streamUpload<T>(
  request: FastifyRequest,
  maxBytes: number,
  send: (upload: DocumentUpload) => Promise<T>,
): Promise<T> {
  if (!request.isMultipart())
    throw unsupportedMediaType('Upload the document as multipart/form-data with the file in the `document` field')
  const declared = Number(request.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes + FRAMING_BYTES) throw fileTooLarge(maxBytes)

  const limits = { fileSize: maxBytes, files: 4, fields: 16, fieldSize: FRAMING_BYTES, parts: 20 }
  const parts = request.parts({ limits })[Symbol.asyncIterator]()
  const next = async (): Promise<Multipart | undefined> => {
    try {
      const step = await parts.next()
      return step.done === true ? undefined : step.value
    } catch (err) {
      throw problemOf(err, maxBytes)
    }
  }
  const tags: string[] = []
  let sawTags = false
  const field = (part: MultipartValue) => {
    if (part.fieldname !== 'tags') return
    sawTags = true
    readTags(part.value, tags)
  }

  let file: MultipartFile | undefined
  while (file === undefined) {
    const part = await next()
    if (part === undefined) throw invalid('document', 'is required: send the file in the `document` field')
    if (part.type === 'field') field(part)
    else if (part.fieldname === 'document') file = part
    else await drain(part)
  }
  const found = file

  async function* content(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of found.file) yield chunk as Buffer
    } catch (err) {
      throw problemOf(err, maxBytes)
    }
    if (found.file.truncated) throw fileTooLarge(maxBytes)
    // Fields after the file still count; more files are read past and dropped.
    for (let part = await next(); part !== undefined; part = await next()) {
      if (part.type === 'field') field(part)
      else await drain(part)
    }
  }

  return send({
    filename: found.filename === '' ? 'document' : found.filename,
    contentType: found.mimetype,
    content: content(),
    tags: () => (sawTags ? tags : undefined),
  })
}
