/** Account documents: list, upload (streamed), download (streamed). */
import type { Document } from '../../schemas/document.js'
import type { StreamedResponse } from '../transport.js'
import { isObject } from './codec.js'
import { toDocument } from './mapping/documents.js'
import { type StreamedFile, multipartBody, newBoundary } from './multipart.js'
import { SnappyResource, answerAs, describeSnappy, found, newest, num } from './resource.js'
import { SNAPPY_PATHS } from './wire.js'

export interface DocumentUpload {
  filename: string
  contentType: string
  content: AsyncIterable<Uint8Array>
  /** Read once the file has been sent: a `tags` field may arrive after the file. */
  tags: () => string[] | undefined
}

export class SnappyDocuments extends SnappyResource {
  list(account: string): Promise<Document[]> {
    return this.readList(
      SNAPPY_PATHS.documents.path({ id: num(account) }),
      [`documents:${account}`],
      'documents',
      (d) => toDocument(d, this.connection, account),
    )
  }

  async get(account: string, document: string): Promise<Document> {
    return found(await this.list(account), document, this.connection, 'document')
  }

  download(account: string, document: string): Promise<StreamedResponse> {
    return this.engine.download(
      { method: 'GET', path: SNAPPY_PATHS.documentDownload.path({ id: num(account), document: num(document) }) },
      { describe: describeSnappy },
    )
  }

  /** Streams the file to Snappy as the `document` field with the optional JSON-encoded `tags` field. */
  async upload(account: string, upload: DocumentUpload): Promise<Document> {
    const boundary = newBoundary()
    const file: StreamedFile = {
      field: 'document',
      filename: upload.filename,
      contentType: upload.contentType,
      content: upload.content,
    }
    const fields = (): Record<string, string> => {
      const tags = upload.tags()
      return tags === undefined ? {} : { tags: JSON.stringify(tags) }
    }
    const res = await this.engine.upload(
      {
        method: 'POST',
        path: SNAPPY_PATHS.documentUpload.path({ id: num(account) }),
        headers: { accept: 'application/json', 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: multipartBody(boundary, file, fields),
      },
      { invalidate: [`documents:${account}`], describe: describeSnappy },
    )
    // The answer is undocumented: the document when it is one, else the newest document of that name.
    const answered = answerAs(res, (json) => (isObject(json) ? toDocument(json, this.connection, account) : undefined))
    if (answered !== undefined) return answered
    const named = (await this.list(account)).filter((d) => d.filename === upload.filename)
    return newest(named, this.connection, 'the uploaded document')
  }
}
