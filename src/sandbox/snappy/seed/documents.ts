/** Six shared documents with real bytes, some tagged, with names that need escaping. */
import type { SnappyStore } from '../store/index.js'
import { fromSqlTime } from '../../../upstreams/snappy/wire.js'
import { PNG_1X1, pdf, text } from './files.js'
import { PRAEKELT_ACCOUNT, WCL_ACCOUNT } from './identities.js'

export function seedDocuments(store: SnappyStore): void {
  const add = (accountId: number, filename: string, type: string, bytes: Buffer, tags: string[], at: string) =>
    store.documents.addBytes({ accountId, filename, type, bytes, tags, createdAt: fromSqlTime(at) })

  add(WCL_ACCOUNT, 'faq.png', 'image/png', PNG_1X1, [], '2014-09-16 16:04:45')
  add(
    WCL_ACCOUNT,
    'Returns & Refunds policy.pdf',
    'application/pdf',
    pdf('Returns and Refunds'),
    ['policy', 'billing'],
    '2014-09-17 09:30:12',
  )
  add(
    WCL_ACCOUNT,
    'canned-responses.txt',
    'text/plain',
    text('POPI: Messages are kept for 24 months and deleted on request.\nRéservations: « Toutes nos excuses ».\n'),
    ['support'],
    '2014-09-18 11:15:00',
  )
  add(
    WCL_ACCOUNT,
    'Zoë’s onboarding checklist.md',
    'text/markdown',
    text('# Onboarding\n\n- [x] Snappy login\n- [ ] Shadow 5 tickets\n'),
    [],
    '2014-09-19 08:00:00',
  )
  add(
    PRAEKELT_ACCOUNT,
    'price-list-2014.csv',
    'text/csv',
    text('plan,price\nStarter,"R 199"\nTeam,"R 499"\n'),
    ['pricing'],
    '2014-08-01 10:00:00',
  )
  add(
    PRAEKELT_ACCOUNT,
    'logo.svg',
    'image/svg+xml',
    text(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#f60"/></svg>\n',
    ),
    [],
    '2014-08-05 13:45:00',
  )
}
