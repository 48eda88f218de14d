/**
 * A `multipart/form-data` body produced as it is sent: the file's bytes pass through as they
 * arrive and are never gathered. Fields are written after the file, so fields that reach
 * the gateway after the file part still get to the upstream (part order carries no meaning).
 */
import { randomBytes } from 'node:crypto'

export interface StreamedFile {
  field: string
  filename: string
  contentType: string
  content: AsyncIterable<Uint8Array>
}

export function newBoundary(): string {
  return `----switchboard${randomBytes(12).toString('hex')}`
}

/** Header parameter values may not hold quotes, backslashes or line breaks. */
function quoted(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/["\\]/g, '_')
}

const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+$/

function fileHeader(boundary: string, file: StreamedFile): string {
  const type = MEDIA_TYPE.test(file.contentType) ? file.contentType : 'application/octet-stream'
  // The name travels as UTF-8, as browsers send it and as PHP and busboy read it.
  return (
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="${quoted(file.field)}"; filename="${quoted(file.filename)}"\r\n` +
    `Content-Type: ${type}\r\n\r\n`
  )
}

function fieldPart(boundary: string, name: string, value: string): string {
  return `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`
}

/** The body; `fields` is asked for once the file has passed, so late fields are included. */
export async function* multipartBody(
  boundary: string,
  file: StreamedFile,
  fields: () => Record<string, string>,
): AsyncGenerator<Uint8Array> {
  yield Buffer.from(fileHeader(boundary, file), 'utf8')
  for await (const chunk of file.content) yield chunk
  yield Buffer.from('\r\n', 'utf8')
  for (const [name, value] of Object.entries(fields())) yield Buffer.from(fieldPart(boundary, name, value), 'utf8')
  yield Buffer.from(`--${boundary}--\r\n`, 'utf8')
}
