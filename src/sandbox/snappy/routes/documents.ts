/**
 * Account documents. An upload is a multipart form with the file in `document` and an
 * optional `tags` field holding a JSON-encoded list; the file is piped to disk as it
 * arrives. The upload answers the new document (the docs say nothing).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { SNAPPY_PATHS } from '../../../upstreams/snappy/wire.js'
import { Fields } from '../body.js'
import { ValidationError } from '../errors.js'
import type { WrittenFile } from '../files.js'
import type { SnappyStore } from '../store/index.js'
import { documentJson } from '../serialize/documents.js'
import { requireAccount, requireRecord, type RouteContext } from './context.js'
import { sendStoredFile } from './download.js'

interface Upload extends WrittenFile {
  filename: string
  type: string
}

export function documentRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.get<{ Params: { id: string } }>(SNAPPY_PATHS.documents.pattern, async (request) => {
    const { account } = requireAccount(store, request, request.params.id)
    return store.documents.documentsOf(account.id).map(documentJson)
  })

  app.post<{ Params: { id: string } }>(SNAPPY_PATHS.documentUpload.pattern, async (request) => {
    const { account } = requireAccount(store, request, request.params.id)
    const { upload, tagsField } = await readUpload(store, request)
    const fields = new Fields({ tags: tagsField })
    const tags = fields.stringList('tags') ?? []
    if (upload === undefined) fields.required('document')
    if (upload === undefined || Object.keys(fields.errors).length > 0) {
      if (upload !== undefined) await store.files.remove(upload.filePath)
      throw new ValidationError(fields.errors)
    }
    return documentJson(store.documents.add({ accountId: account.id, ...upload, tags }))
  })

  app.get<{ Params: { id: string; document: string } }>(
    SNAPPY_PATHS.documentDownload.pattern,
    async (request, reply) => {
      const { account } = requireAccount(store, request, request.params.id)
      const document = requireRecord(
        store.documents.documents,
        request.params.document,
        (d) => d.accountId === account.id,
        'document',
      )
      return sendStoredFile(reply, store.files, document)
    },
  )
}

async function readUpload(
  store: SnappyStore,
  request: FastifyRequest,
): Promise<{ upload?: Upload; tagsField?: string }> {
  if (!request.isMultipart()) throw ValidationError.single('document', 'The document field is required.')
  let upload: Upload | undefined
  let tagsField: string | undefined
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname === 'document' && upload === undefined) {
          const written = await store.files.writeStream(part.file)
          upload = { ...written, filename: part.filename, type: part.mimetype }
        } else {
          // Parts arrive in order; an unread file would stall the ones after it.
          for await (const _chunk of part.file);
        }
      } else if (part.fieldname === 'tags' && typeof part.value === 'string') {
        tagsField = part.value
      }
    }
  } catch (err) {
    if (upload !== undefined) await store.files.remove(upload.filePath)
    throw err
  }
  return { upload, tagsField }
}
