/**
 * The store's tables as Kysely sees them. Records are kept as the JSON Switchboard serves
 * (`doc`), next to the columns the reads filter and order on; ISO 8601 UTC instants in the
 * `…T…Z` form of `toISOString()` compare correctly as strings in both dialects.
 */
import type { Generated } from 'kysely'

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
  /** 1 once the participants were read at least once (those kept may be older than the record). */
  participants_known: number
  /** When the sync (or a write through the gateway) last saw the record; the reconcile pass removes the unseen. */
  synced_at: string
  doc: string
  /** When a client first read the record while its participants were pending (it goes first in the fill). */
  participants_wanted_at: string | null
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
  /** When the sync last read the ticket by id (a ticket in no queue is rechecked, oldest first). */
  checked_at: string | null
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
  /** The fingerprint of the upstream the records came from (see sync/identity.ts). */
  upstream: string | null
}

interface SyncLeasesTable {
  connection: string
  holder: string
  /** Milliseconds since the epoch. */
  expires_at: number
}

interface EventsTable {
  seq: Generated<number>
  /** The `evt_…` id, the `webhook-id` of its deliveries. */
  id: string
  type: string
  /** The connection whose record changed; null for an event about the key's own webhook endpoints. */
  connection: string | null
  /** For events that are not about a connection's record: the key they belong to. */
  key_name: string | null
  record_id: string
  observed_at: string
  /** The event as the feed and webhooks serve it (JSON). */
  payload: string
}

interface EventLogTable {
  id: number
  /** The newest `seq` removed by retention: older cursors can no longer resume. */
  pruned_through: number
}

interface WebhookEndpointsTable {
  id: string
  key_name: string
  url: string
  description: string | null
  /** JSON array of event types; `["*"]` for all. */
  event_types: string
  /** JSON array of connection names; null: every connection the key may use. */
  connections: string | null
  secret: string
  /** `enabled` or `disabled`. */
  status: string
  disabled_reason: string | null
  created_at: string
  updated_at: string
}

interface WebhookDeliveriesTable {
  id: Generated<number>
  endpoint_id: string
  event_seq: number
  record_id: string
  /** `pending`, `succeeded`, `failed` (gave up) or `cancelled` (the endpoint went, or the key lost the connection). */
  status: string
  attempts: number
  first_attempt_at: number | null
  next_attempt_at: number
  locked_by: string | null
  locked_until: number | null
}

interface WebhookAttemptsTable {
  id: Generated<number>
  endpoint_id: string
  event_id: string
  event_type: string
  attempted_at: string
  status_code: number | null
  error: string | null
  duration_ms: number
  succeeded: number
}

interface IdempotencyKeysTable {
  /** The caller, route and key, as the idempotency plugin composes it. */
  key: string
  fingerprint: string
  /** `reserved` (no upstream write yet), `writing` (one was sent) or `completed`. */
  state: string
  /** The request holding the key: its process, then its own id. */
  holder: string | null
  /** Epoch ms until which the holder's claim stands. */
  locked_until: number
  /** When the upstream write was sent (epoch ms). */
  writing_at: number | null
  /** The stored answer (JSON), once completed. */
  response: string | null
  expires_at: number
}

interface OperationsTable {
  /** Queue order: a connection's operations run in it. */
  seq: Generated<number>
  /** The `op_…` id. */
  id: string
  connection: string
  key_name: string
  /** `queued`, `running`, `succeeded`, `failed`, `unknown` or `canceled`. */
  state: string
  method: string
  /** The request's path and query, as the client sent them. */
  path: string
  /** The request's body as validated (JSON), or null. */
  body: string | null
  traceparent: string | null
  created_at: string
  queued_at_ms: number
  /** Not run before this time (ms): a retry's backoff. */
  not_before: number
  attempts: number
  /** The gateway that took it to run. */
  holder: string | null
  started_at: string | null
  finished_at: string | null
  /** The HTTP status of its answer, the answer's body (JSON) and its `Location`. */
  status: number | null
  result: string | null
  location: string | null
  /** Upstream calls it made: the estimate of a queue's wait learns from them. */
  calls: number | null
}

export interface StoreTables {
  messages: MessagesTable
  message_contacts: MessageContactsTable
  conversations: ConversationsTable
  directory: DirectoryTable
  sync_state: SyncStateTable
  sync_leases: SyncLeasesTable
  events: EventsTable
  event_log: EventLogTable
  webhook_endpoints: WebhookEndpointsTable
  webhook_deliveries: WebhookDeliveriesTable
  webhook_attempts: WebhookAttemptsTable
  idempotency_keys: IdempotencyKeysTable
  operations: OperationsTable
}
