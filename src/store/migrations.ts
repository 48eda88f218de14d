/**
 * The store's schema, one set of migrations for both stores, run at start-up. Kysely's
 * migrator takes a lock while it runs, so replicas starting together migrate once. Full-text
 * search is each dialect's own: an FTS5 index kept by triggers in SQLite, a generated
 * `tsvector` column with a GIN index in PostgreSQL, both with no stemming ('simple' /
 * unicode61), so a word matches the same messages in either.
 */
import { type Kysely, type Migration, Migrator, sql } from 'kysely'
import type { Dialect } from './db.js'

/** A table numbered by `seq`, in the order rows were inserted (the commit order of appends). */
function sequencedTable(db: Kysely<unknown>, dialect: Dialect, name: string) {
  const table = db.schema.createTable(name)
  return dialect === 'postgres'
    ? table.addColumn('seq', 'bigserial', (c) => c.primaryKey())
    : table.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
}

function initial(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const bigint = dialect === 'postgres' ? 'bigint' : 'integer'
      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('connection', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('remote_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('search_text', 'text', (c) => c.notNull())
        .addColumn('participants_loaded', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('synced_at', 'text', (c) => c.notNull())
        .addColumn('doc', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('messages_timeline').on('messages').columns(['sent_at', 'id']).execute()
      await db.schema
        .createIndex('messages_connection_timeline')
        .on('messages')
        .columns(['connection', 'sent_at', 'id'])
        .execute()
      await db.schema
        .createIndex('messages_conversation')
        .on('messages')
        .columns(['conversation_id', 'sent_at'])
        .execute()
      await db.schema
        .createIndex('messages_participants_pending')
        .on('messages')
        .columns(['connection', 'participants_loaded', 'sent_at'])
        .execute()

      await db.schema
        .createTable('message_contacts')
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('message_contacts_pk', ['message_id', 'contact_id'])
        .execute()
      await db.schema.createIndex('message_contacts_contact').on('message_contacts').column('contact_id').execute()

      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('connection', 'text', (c) => c.notNull())
        .addColumn('remote_id', 'text', (c) => c.notNull())
        .addColumn('account_remote_id', 'text', (c) => c.notNull())
        .addColumn('mailbox_id', 'text', (c) => c.notNull())
        .addColumn('in_waiting', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('in_inbox', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('in_yours', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_reply_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('notes_signature', 'text')
        .addColumn('doc', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('conversations_queue')
        .on('conversations')
        .columns(['connection', 'account_remote_id', 'last_reply_at', 'id'])
        .execute()

      await db.schema
        .createTable('directory')
        .addColumn('connection', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('account_remote_id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('doc', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('directory_pk', ['connection', 'kind', 'account_remote_id', 'id'])
        .execute()

      await db.schema
        .createTable('sync_state')
        .addColumn('connection', 'text', (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('phase', 'text', (c) => c.notNull())
        .addColumn('checkpoint', 'text', (c) => c.notNull())
        .addColumn('backfilled_at', 'text')
        .addColumn('participants_complete', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_success_at', 'text')
        .addColumn('last_attempt_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('calls', bigint, (c) => c.notNull().defaultTo(0))
        .execute()

      await db.schema
        .createTable('sync_leases')
        .addColumn('connection', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('expires_at', bigint, (c) => c.notNull())
        .execute()

      if (dialect === 'sqlite') {
        await sql`CREATE VIRTUAL TABLE messages_fts USING fts5(search_text, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`.execute(
          db,
        )
        await sql`CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
          INSERT INTO messages_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END`.execute(db)
        await sql`CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
          INSERT INTO messages_fts(messages_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END`.execute(
          db,
        )
        await sql`CREATE TRIGGER messages_fts_update AFTER UPDATE OF search_text ON messages BEGIN
          INSERT INTO messages_fts(messages_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
          INSERT INTO messages_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END`.execute(db)
      } else {
        await sql`ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED`.execute(
          db,
        )
        await sql`CREATE INDEX messages_search ON messages USING gin (search)`.execute(db)
      }
    },
  }
}

/**
 * The index of messages whose participants are still to be read becomes partial (only those
 * rows). As a full index on `(connection, participants_loaded, sent_at)` it led SQLite's
 * planner, which has no statistics, to read the timeline (`connection IN (…) ORDER BY
 * sent_at`) through it and sort every message of the connection: 0.4 s a page at 100,000
 * messages instead of under a millisecond through `messages_connection_timeline`. A partial
 * index is only usable by queries that ask for `participants_loaded = 0`, the one that needs it.
 */
const pendingParticipantsIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('messages_participants_pending').execute()
    await db.schema
      .createIndex('messages_participants_pending')
      .on('messages')
      .columns(['connection', 'sent_at'])
      .where(sql.ref('participants_loaded'), '=', 0)
      .execute()
  },
}

/**
 * The change feed and webhook deliveries. Events are numbered by `seq` in the order they were
 * recorded (appends are serialized, so that order is also the commit order a feed reader
 * sees); each delivery is one event for one endpoint, claimed by one replica at a time.
 */
function events(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const bigint = dialect === 'postgres' ? 'bigint' : 'integer'
      await sequencedTable(db, dialect, 'events')
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('connection', 'text')
        .addColumn('key_name', 'text')
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('observed_at', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('events_observed').on('events').column('observed_at').execute()

      await db.schema
        .createTable('event_log')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('pruned_through', bigint, (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('key_name', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('event_types', 'text', (c) => c.notNull())
        .addColumn('connections', 'text')
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('disabled_reason', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()

      let deliveries = db.schema.createTable('webhook_deliveries')
      deliveries =
        dialect === 'postgres'
          ? deliveries.addColumn('id', 'bigserial', (c) => c.primaryKey())
          : deliveries.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      await deliveries
        .addColumn('endpoint_id', 'text', (c) => c.notNull())
        .addColumn('event_seq', bigint, (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('first_attempt_at', bigint)
        .addColumn('next_attempt_at', bigint, (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', bigint)
        .execute()
      await db.schema
        .createIndex('webhook_deliveries_due')
        .on('webhook_deliveries')
        .columns(['status', 'next_attempt_at'])
        .execute()
      await db.schema
        .createIndex('webhook_deliveries_record')
        .on('webhook_deliveries')
        .columns(['endpoint_id', 'record_id', 'status', 'event_seq'])
        .execute()

      let attempts = db.schema.createTable('webhook_attempts')
      attempts =
        dialect === 'postgres'
          ? attempts.addColumn('id', 'bigserial', (c) => c.primaryKey())
          : attempts.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      await attempts
        .addColumn('endpoint_id', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('attempted_at', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('error', 'text')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('succeeded', 'integer', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('webhook_attempts_endpoint')
        .on('webhook_attempts')
        .columns(['endpoint_id', 'id'])
        .execute()
    },
  }
}

/**
 * What the gateway must keep across restarts and outages beyond the records:
 * - `conversations.checked_at`: when a ticket outside every queue was last read by id, so the
 *   Snappy sync rechecks the least recently checked first (a ticket deleted after it was
 *   closed shows in no queue);
 * - `sync_state.upstream`: the fingerprint of the upstream a connection's records came from,
 *   so a store left from another upstream under the same name is never served as live;
 * - `idempotency_keys`: Idempotency-Key reservations and outcomes, for gateways without Redis.
 */
function durability(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const bigint = dialect === 'postgres' ? 'bigint' : 'integer'
      await db.schema.alterTable('conversations').addColumn('checked_at', 'text').execute()
      await db.schema
        .createIndex('conversations_checked')
        .on('conversations')
        .columns(['connection', 'checked_at'])
        .execute()
      await db.schema.alterTable('sync_state').addColumn('upstream', 'text').execute()
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('holder', 'text')
        .addColumn('locked_until', bigint, (c) => c.notNull())
        .addColumn('writing_at', bigint)
        .addColumn('response', 'text')
        .addColumn('expires_at', bigint, (c) => c.notNull())
        .execute()
      await db.schema.createIndex('idempotency_keys_expiry').on('idempotency_keys').column('expires_at').execute()
    },
  }
}

/**
 * Every stored message says whether its participants are in (`participantsStatus`, from the
 * `participants_loaded` column), and one a client read while they were pending goes to the
 * front of the fill (`participants_wanted_at`, with its own partial index).
 */
function participantsStatus(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('messages').addColumn('participants_wanted_at', 'text').execute()
      await db.schema
        .createIndex('messages_participants_wanted')
        .on('messages')
        .columns(['connection', 'participants_wanted_at'])
        .where(sql.ref('participants_loaded'), '=', 0)
        .execute()
      const status = sql`CASE participants_loaded WHEN 1 THEN 'complete' ELSE 'pending' END`
      await (
        dialect === 'postgres'
          ? sql`UPDATE messages SET doc = jsonb_set(doc::jsonb, '{participantsStatus}', to_jsonb(${status}::text))::text`
          : sql`UPDATE messages SET doc = json_set(doc, '$.participantsStatus', ${status})`
      ).execute(db)
    },
  }
}

/**
 * Whether a message's participants were ever read (`participants_known`): read for the first
 * time they complete the record, read again after it changed they may be news (see
 * `MessageRecords.setParticipants`). Those loaded now were read once.
 */
const participantsKnown: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('messages')
      .addColumn('participants_known', 'integer', (c) => c.notNull().defaultTo(0))
      .execute()
    await sql`UPDATE messages SET participants_known = participants_loaded`.execute(db)
  },
}

/**
 * Writes a client asked to run later (`Prefer: respond-async`): one queue per connection,
 * worked in `seq` order. `not_before` holds back one that failed before anything was written
 * (a circuit open, a store outage) until its retry.
 */
function operations(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const bigint = dialect === 'postgres' ? 'bigint' : 'integer'
      await sequencedTable(db, dialect, 'operations')
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('connection', 'text', (c) => c.notNull())
        .addColumn('key_name', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('body', 'text')
        .addColumn('traceparent', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('queued_at_ms', bigint, (c) => c.notNull())
        .addColumn('not_before', bigint, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('holder', 'text')
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('status', 'integer')
        .addColumn('result', 'text')
        .addColumn('location', 'text')
        .addColumn('calls', 'integer')
        .execute()
      await db.schema.createIndex('operations_queue').on('operations').columns(['connection', 'state', 'seq']).execute()
      await db.schema.createIndex('operations_key').on('operations').columns(['key_name', 'seq']).execute()
    },
  }
}

/**
 * Runs the migrations not yet run. In PostgreSQL the migrator's own tables live in the store's
 * schema, named: its check for them looks at every schema, and would otherwise find another
 * store's in the same database.
 */
export async function migrate(db: Kysely<unknown>, dialect: Dialect, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    provider: {
      getMigrations: () =>
        Promise.resolve({
          '0001_replica': initial(dialect),
          '0002_events': events(dialect),
          '0003_pending_participants_partial': pendingParticipantsIndex,
          '0004_durability': durability(dialect),
          '0005_participants_status': participantsStatus(dialect),
          '0006_participants_known': participantsKnown,
          '0007_operations': operations(dialect),
        }),
    },
  })
  const { error } = await migrator.migrateToLatest()
  if (error !== undefined) throw error instanceof Error ? error : new Error(String(error))
}
