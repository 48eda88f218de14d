import { Type, type Static } from 'typebox'
import { IdOf, IsoDate, exampleId, listOf, origin } from './snappy-common.js'

const DOCUMENT_ID = exampleId('document', '3249', '60')

const DOCUMENT_EXAMPLE = {
  id: DOCUMENT_ID,
  source: 'snappy',
  connection: 'snappy',
  remoteId: '60',
  accountId: exampleId('account', '3249'),
  filename: 'faq.png',
  contentType: 'image/png',
  size: 265420,
  downloadUrl: `/v1/documents/${DOCUMENT_ID}/content`,
  createdAt: '2013-05-07T16:04:45.000Z',
  updatedAt: '2013-05-07T16:04:45.000Z',
}

export const DocumentSchema = Type.Object(
  {
    id: IdOf('document', 'Opaque document id.'),
    ...origin,
    accountId: IdOf('account', 'The account the document belongs to.'),
    filename: Type.String(),
    contentType: Type.String({ description: 'Media type as stored by Snappy.' }),
    size: Type.Integer({ minimum: 0, description: 'Bytes.' }),
    downloadUrl: Type.String({ description: 'A Switchboard URL that streams the file.' }),
    createdAt: IsoDate('When the document was uploaded (UTC).'),
    updatedAt: IsoDate('When the document last changed (UTC).'),
  },
  {
    $id: 'Document',
    title: 'Document',
    description: 'A file kept in a Snappy account.',
    additionalProperties: false,
    examples: [DOCUMENT_EXAMPLE],
  },
)
export type Document = Static<typeof DocumentSchema>

export const DocumentListSchema = Type.Object(listOf<Document>('Document', 'The account’s documents.'), {
  $id: 'DocumentList',
  title: 'DocumentList',
  description: 'The documents of a Snappy account, in one page.',
  additionalProperties: false,
  examples: [{ data: [DOCUMENT_EXAMPLE], nextCursor: null }],
})
