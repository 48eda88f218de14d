/**
 * The replica's tables as Kysely sees them. Records are kept as the JSON Switchboard serves
 * (`doc`), next to the columns the reads filter and order on; ISO 8601 UTC instants in the
 * `…T…Z` form of `toISOString()` compare correctly as strings in both dialects.
 */
interface MessagesTable {
  /** The `msg_…` id. */
  id: string
  connection: string
  source: string
  remote_id: string
  conversation_id: string | null
  kind: string
  sent_at: string
  created_at: string
  updated_at: string
  /** Subject and body text, for the full-text index. */
  search_text: string
  /** 1 once the participants were read (BatchBook lists them apart from the record). */
  participants_loaded: number
  /** When the sync (or a write through the gateway) last saw the record; the reconcile pass removes the unseen. */
  synced_at: string
  doc: string
}

interface MessageContactsTable {
  message_id: string
  /** The `ctc_…` id of a participant. */
  contact_id: string
}

interface ConversationsTable {
  /** The `conv_…` id. */
  id: string
  connection: string
  remote_id: string
  account_remote_id: string
  /** The `mbx_…` id. */
  mailbox_id: string
  /** 1 while the ticket is in that queue of its account, as last read. */
  in_waiting: number
  in_inbox: number
  in_yours: number
  /** `lastReplyAt`, or '' when none (sorts first: longest waiting). */
  last_reply_at: string
  created_at: string
  updated_at: string
  /** `notesSignature` of the record as stored. */
  signature: string
  /** What the notes were last read at (`updatedAt` and `lastReplyAt`): a change means new notes. */
  notes_signature: string | null
  doc: string
}

interface DirectoryTable {
  connection: string
  /** `account`, `mailbox` or `staff`. */
  kind: string
  id: string
  /** The account a mailbox or staff member is listed in ('' for the accounts themselves): staff may be in several. */
  account_remote_id: string
  position: number
  doc: string
}

interface SyncStateTable {
  connection: string
  source: string
  /** `backfilling` or `live`. */
  phase: string
  /** Where the sync goes on from, as the source's sync defines it. */
  checkpoint: string
  backfilled_at: string | null
  /** 1 once every BatchBook communication's participants were read once. */
  participants_complete: number
  last_success_at: string | null
  last_attempt_at: string | null
  last_error: string | null
  /** Upstream calls the sync made since it started, for its share of the budget. */
  calls: number
}

interface SyncLeasesTable {
  connection: string
  holder: string
  /** Milliseconds since the epoch. */
  expires_at: number
}

export interface ReplicaTables {
  messages: MessagesTable
  message_contacts: MessageContactsTable
  conversations: ConversationsTable
  directory: DirectoryTable
  sync_state: SyncStateTable
  sync_leases: SyncLeasesTable
}
