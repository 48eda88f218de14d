/** Account documents: list, upload (streamed), download (streamed). */
import type { Document } from '../../schemas/document.js'
import type { StreamedResponse } from '../transport.js'
import { asArray, isObject } from './codec.js'
import { toDocument } from './mapping/documents.js'
import { type StreamedFile, multipartBody, newBoundary } from './multipart.js'
import { SnappyResource, answerAs, badAnswer, describeSnappy, notFound, num } from './resource.js'

export interface DocumentUpload {
  filename: string
  contentType: string
  content: AsyncIterable<Uint8Array>
  /** Read once the file has been sent: a `tags` field may arrive after the file. */
  tags: () => string[] | undefined
}

export class SnappyDocuments extends SnappyResource {
  list(account: string): Promise<Document[]> {
    return this.read(`/account/${num(account)}/documents`, {
      kind: 'list',
      tags: [`documents:${account}`],
      map: (json) => asArray(json, 'documents').map((d) => toDocument(d, this.connection, account)),
    })
  }

  async get(account: string, document: string): Promise<Document> {
    const found = (await this.list(account)).find((d) => d.remoteId === document)
    if (found === undefined) throw notFound(this.connection, 'document')
    return found
  }

  download(account: string, document: string): Promise<StreamedResponse> {
    return this.client.download({ method: 'GET', path: `/account/${num(account)}/document/${num(document)}/download` }, { describe: describeSnappy })
  }

  /** Streams the file to Snappy as the `document` field with the optional JSON-encoded `tags` field. */
  async upload(account: string, upload: DocumentUpload): Promise<Document> {
    const boundary = newBoundary()
    const file: StreamedFile = { field: 'document', filename: upload.filename, contentType: upload.contentType, content: upload.content }
    const fields = (): Record<string, string> => {
      const tags = upload.tags()
      return tags === undefined ? {} : { tags: JSON.stringify(tags) }
    }
    const res = await this.client.upload(
      {
        method: 'POST',
        path: `/account/${num(account)}/document`,
        headers: { accept: 'application/json', 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: multipartBody(boundary, file, fields),
      },
      { invalidate: [`documents:${account}`], describe: describeSnappy },
    )
    // The answer is undocumented: the document when it is one, else the newest document of that name.
    const answered = answerAs(res, (json) => (isObject(json) ? toDocument(json, this.connection, account) : undefined))
    if (answered !== undefined) return answered
    const named = (await this.list(account)).filter((d) => d.filename === upload.filename)
    const newest = named.sort((a, b) => Number(b.remoteId) - Number(a.remoteId))[0]
    if (newest === undefined) throw badAnswer(this.connection, 'the uploaded document')
    return newest
  }
}
