/**
 * Idempotency records in the store, for gateways without Redis: they survive a restart of the
 * process (SQLite) and are shared by every gateway on one PostgreSQL. The rules are those of
 * upstreams/idempotency/store.ts; each reservation is one transaction (the row locked in
 * PostgreSQL, one writer in SQLite). While the store is unreachable, reservations fail with
 * `503 store_unavailable`: answering without the record could write twice.
 */
import type { Kysely } from 'kysely'
import {
  type HeldRecord,
  IDEMPOTENCY_TTL_MS,
  type IdempotencyStore,
  type Reservation,
  type StoredResponse,
  verdictOn,
} from '../upstreams/idempotency/store.js'
import { storeUnavailable } from '../errors.js'
import type { StoreDb } from './db.js'
import type { StoreTables } from './tables.js'

/** Expired records are removed at most this often (on a reservation). */
const PRUNE_EVERY_MS = 60_000

type Row = StoreTables['idempotency_keys']

function held(row: Row): HeldRecord {
  return {
    fingerprint: row.fingerprint,
    holder: row.holder ?? undefined,
    response: row.response === null ? null : (JSON.parse(row.response) as StoredResponse),
    lockedUntil: Number(row.locked_until),
    writingAt: row.writing_at === null ? null : Number(row.writing_at),
  }
}

export class StoreIdempotencyStore implements IdempotencyStore {
  readonly #store: StoreDb
  readonly #now: () => number
  #prunedAt = 0

  constructor(store: StoreDb, now: () => number = Date.now) {
    this.#store = store
    this.#now = now
  }

  async reserve(
    key: string,
    fingerprint: string,
    lockMs: number,
    holder?: string,
    alone = false,
  ): Promise<Reservation> {
    await this.#prune()
    const now = this.#now()
    const mine: Row = {
      key,
      fingerprint,
      state: 'reserved',
      holder: holder ?? null,
      locked_until: now + lockMs,
      writing_at: null,
      response: null,
      expires_at: now + IDEMPOTENCY_TTL_MS,
    }
    const { db, dialect } = this.#store
    return db.transaction().execute(async (trx) => {
      await trx
        .insertInto('idempotency_keys')
        .values(mine)
        .onConflict((oc) => oc.column('key').doNothing())
        .execute()
      let select = trx.selectFrom('idempotency_keys').selectAll().where('key', '=', key)
      if (dialect === 'postgres') select = select.forUpdate()
      const row = await select.executeTakeFirstOrThrow()
      if (row.holder === mine.holder && row.locked_until === mine.locked_until && row.state === 'reserved')
        return { state: 'reserved' as const }
      if (Number(row.expires_at) > now) {
        const verdict = verdictOn(held(row), fingerprint, holder, alone, now)
        if (verdict !== 'take-over') return verdict
      }
      await this.#replace(trx, mine)
      return { state: 'reserved' as const }
    })
  }

  async markWriting(key: string, holder: string): Promise<void> {
    const now = this.#now()
    const result = await this.#store.db
      .updateTable('idempotency_keys')
      .set({ state: 'writing', writing_at: now })
      .where('key', '=', key)
      .where('holder', '=', holder)
      .where('state', '=', 'reserved')
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) > 0) return
    const row = await this.#store.db
      .selectFrom('idempotency_keys')
      .select(['holder', 'state'])
      .where('key', '=', key)
      .executeTakeFirst()
    // Marked already (a request's second write): nothing to change.
    if (row?.holder === holder && row.state === 'writing') return
    throw storeUnavailable('This request no longer holds its Idempotency-Key; retry with the same key', 1)
  }

  async complete(key: string, fingerprint: string, response: StoredResponse, ttlMs: number): Promise<void> {
    const now = this.#now()
    const row: Row = {
      key,
      fingerprint,
      state: 'completed',
      holder: null,
      locked_until: now,
      writing_at: null,
      response: JSON.stringify(response),
      expires_at: now + ttlMs,
    }
    await this.#replace(this.#store.db, row)
  }

  async release(key: string, holder?: string): Promise<void> {
    let remove = this.#store.db.deleteFrom('idempotency_keys').where('key', '=', key).where('state', '<>', 'completed')
    if (holder !== undefined) remove = remove.where('holder', '=', holder)
    await remove.execute()
  }

  async #replace(db: Kysely<StoreTables>, row: Row): Promise<void> {
    const { key: _key, ...update } = row
    await db
      .insertInto('idempotency_keys')
      .values(row)
      .onConflict((oc) => oc.column('key').doUpdateSet(update))
      .execute()
  }

  async #prune(): Promise<void> {
    const now = this.#now()
    if (now - this.#prunedAt < PRUNE_EVERY_MS) return
    this.#prunedAt = now
    await this.#store.db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).execute()
  }
}
