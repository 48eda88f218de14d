/** Snappy account documents: list, streamed upload, metadata, streamed download. */
import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { DocumentListSchema, DocumentSchema } from '../../schemas/document.js'
import { ref } from '../../schemas/ref.js'
import { IdempotencyHeaders } from '../../schemas/idempotency.js'
import { UPSTREAM_PROBLEMS, WRITE_RESPONSES, problemResponses } from '../../schemas/responses.js'
import { IdOf, fileResponse, pageQuery } from '../../schemas/snappy-common.js'
import { sendUpstreamFile } from '../files.js'
import { slicePage } from '../../cursor.js'
import { streamUpload } from './upload.js'

const AccountParams = Type.Object(
  { accountId: IdOf('account', 'An account id (`acct_…`).') },
  { additionalProperties: false },
)
const DocumentParams = Type.Object(
  { documentId: IdOf('document', 'A document id (`doc_…`).') },
  { additionalProperties: false },
)
const ListQuery = Type.Object(pageQuery, { additionalProperties: false })

/** How the upload form looks; the file itself is streamed, not validated as a value. */
const UploadForm = Type.Object(
  {
    document: Type.String({ format: 'binary', description: 'The file.' }),
    tags: Type.Optional(
      Type.String({
        description: 'Optional tags: a JSON-encoded list (`["contracts","2024"]`), or one tag per `tags` field.',
      }),
    ),
  },
  { additionalProperties: false },
)
/** Stands in for the streamed form during validation, so the schema documents it. */
const STREAMED_FORM = { document: '' }

const PROBLEMS = problemResponses(...UPSTREAM_PROBLEMS, 404, 405)

export default async function documentRoutes(app: FastifyInstance): Promise<void> {
  // Registered here only: no other route takes multipart bodies.
  await app.register(multipart)
  const maxBytes = app.config.uploads.maxBytes

  app.get<{ Params: Static<typeof AccountParams>; Querystring: Static<typeof ListQuery> }>(
    '/v1/accounts/:accountId/documents',
    {
      schema: {
        operationId: 'listDocuments',
        summary: 'List an account’s documents',
        description: 'Files kept in the Snappy account.',
        tags: ['Documents'],
        params: AccountParams,
        querystring: ListQuery,
        response: { 200: ref(DocumentListSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const { adapter, parts } = request.resolveSnappyId('account', request.params.accountId, 1)
      return slicePage(
        await adapter.documents.list(parts[0] as string),
        'documents',
        request.query.cursor,
        request.query.limit,
      )
    },
  )

  app.post<{ Params: Static<typeof AccountParams> }>(
    '/v1/accounts/:accountId/documents',
    {
      schema: {
        operationId: 'uploadDocument',
        summary: 'Upload a document',
        description:
          `A multipart upload with the file in \`document\` and optional \`tags\`. The file is streamed to Snappy as it arrives, never held whole; ` +
          `files larger than the configured bound (\`MAX_UPLOAD_BYTES\`, ${maxBytes} bytes here) are refused with 413. Answers 201 with the document.`,
        tags: ['Documents'],
        headers: IdempotencyHeaders,
        params: AccountParams,
        body: { content: { 'multipart/form-data': { schema: UploadForm } } },
        response: { 201: ref(DocumentSchema), ...PROBLEMS, ...WRITE_RESPONSES, ...problemResponses(409, 413, 415) },
      },
      // The upload is streamed, so a repeated key is matched on the URL, media type and
      // Content-Length, not on the file (see the idempotency plugin).
      config: { idempotent: true },
      preValidation: async (request) => {
        if (request.isMultipart()) request.body = STREAMED_FORM
      },
    },
    async (request, reply) => {
      const { adapter, parts } = request.resolveSnappyId('account', request.params.accountId, 1)
      const document = await streamUpload(request, maxBytes, (upload) =>
        adapter.documents.upload(parts[0] as string, upload),
      )
      return reply.code(201).header('location', `/v1/documents/${document.id}`).send(document)
    },
  )

  app.get<{ Params: Static<typeof DocumentParams> }>(
    '/v1/documents/:documentId',
    {
      schema: {
        operationId: 'getDocument',
        summary: 'Get a document’s details',
        description: 'The document’s name, type and size; `downloadUrl` streams its content.',
        tags: ['Documents'],
        params: DocumentParams,
        response: { 200: ref(DocumentSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const { adapter, parts } = request.resolveSnappyId('document', request.params.documentId, 2)
      return adapter.documents.get(parts[0] as string, parts[1] as string)
    },
  )

  app.get<{ Params: Static<typeof DocumentParams> }>(
    '/v1/documents/:documentId/content',
    {
      // A HEAD would fetch the whole file from Snappy only to drop it.
      exposeHeadRoute: false,
      schema: {
        operationId: 'downloadDocument',
        summary: 'Download a document',
        description: 'Streams the file with the content type and length Snappy sends.',
        tags: ['Documents'],
        params: DocumentParams,
        response: { 200: fileResponse('The file, in its own media type.'), ...PROBLEMS },
      },
    },
    async (request, reply) => {
      const { adapter, parts } = request.resolveSnappyId('document', request.params.documentId, 2)
      return sendUpstreamFile(reply, await adapter.documents.download(parts[0] as string, parts[1] as string))
    },
  )
}
