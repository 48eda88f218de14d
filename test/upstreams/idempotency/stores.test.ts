/**
 * The rules every idempotency store keeps (upstreams/idempotency/store.ts), on each of them:
 * in memory, in Redis, and in the store (SQLite and PostgreSQL). Above all: a key whose request
 * died with its write out is never reserved again (`unknown`), one whose request died before
 * writing is free again once its lock runs out (at once for a gateway that is the only one).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { StoreIdempotencyStore } from '../../../src/store/idempotency.js'
import { type Store, openStore } from '../../../src/store/index.js'
import { MemoryIdempotencyStore } from '../../../src/upstreams/idempotency/memory-store.js'
import type { IdempotencyStore } from '../../../src/upstreams/idempotency/store.js'
import { RedisIdempotencyStore } from '../../../src/upstreams/redis/idempotency-store.js'
import { closeTestRedis, testRedis } from '../../helpers/redis.js'
import { type TestDatabase, testDatabase } from '../../helpers/stores.js'

const response = { status: 201, headers: { location: '/v1/messages/msg_x' }, body: '{"id":"msg_x"}' }
const opened: Array<{ store: Store; database: TestDatabase }> = []

afterAll(async () => {
  await closeTestRedis()
  for (const { store, database } of opened) {
    await store.close()
    await database.drop()
  }
})

async function inStore(kind: 'sqlite' | 'postgres'): Promise<IdempotencyStore> {
  const database = testDatabase(kind)
  const store = await openStore(database.config)
  opened.push({ store, database })
  return new StoreIdempotencyStore(store.db)
}

const KINDS: Array<[string, () => Promise<IdempotencyStore>]> = [
  ['memory', async () => new MemoryIdempotencyStore()],
  ['Redis', async () => new RedisIdempotencyStore(await testRedis())],
  ['SQLite', () => inStore('sqlite')],
  ['PostgreSQL', () => inStore('postgres')],
]

const LONG = 60_000
const SHORT = 50
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.each(KINDS)('idempotency records in %s', (_name, make) => {
  it('reserves a key once, replays its answer, and refuses it for another request', async () => {
    const store = await make()
    expect(await store.reserve('k', 'f', LONG, 'p1|a')).toEqual({ state: 'reserved' })
    expect(await store.reserve('k', 'f', LONG, 'p1|b')).toEqual({ state: 'in-progress' })
    expect(await store.reserve('k', 'other', LONG, 'p1|b')).toEqual({ state: 'mismatch' })
    await store.markWriting('k', 'p1|a')
    await store.complete('k', 'f', response, LONG)
    expect(await store.reserve('k', 'f', LONG, 'p1|c')).toEqual({ state: 'completed', response })
  })

  it('frees a reservation its request released before writing', async () => {
    const store = await make()
    await store.reserve('k', 'f', LONG, 'p1|a')
    await store.release('k', 'p1|b')
    expect(await store.reserve('k', 'f', LONG, 'p1|c')).toEqual({ state: 'in-progress' })
    await store.release('k', 'p1|a')
    expect(await store.reserve('k', 'f', LONG, 'p1|c')).toEqual({ state: 'reserved' })
  })

  it('gives a dead request’s key to a retry once its lock ran out, when it never wrote', async () => {
    const store = await make()
    await store.reserve('k', 'f', SHORT, 'p1|a')
    await wait(SHORT + 20)
    expect(await store.reserve('k', 'f', LONG, 'p2|b')).toEqual({ state: 'reserved' })
  })

  it('never writes again for a request that died with its write out', async () => {
    const store = await make()
    await store.reserve('k', 'f', SHORT, 'p1|a')
    const before = Date.now()
    await store.markWriting('k', 'p1|a')
    await wait(SHORT + 20)
    const verdict = await store.reserve('k', 'f', LONG, 'p2|b')
    expect(verdict).toMatchObject({ state: 'unknown' })
    expect((verdict as { writingAt: number }).writingAt).toBeGreaterThanOrEqual(before - 1_000)
    expect(await store.reserve('k', 'f', LONG, 'p2|c')).toMatchObject({ state: 'unknown' })
    // Its answer, should it still come, settles it.
    await store.complete('k', 'f', response, LONG)
    expect(await store.reserve('k', 'f', LONG, 'p2|d')).toEqual({ state: 'completed', response })
  })

  it('alone, resolves another process’s claim at once: taken over, or unknown once it wrote', async () => {
    const store = await make()
    await store.reserve('quiet', 'f', LONG, 'before-restart|a')
    expect(await store.reserve('quiet', 'f', LONG, 'after-restart|b')).toEqual({ state: 'in-progress' })
    expect(await store.reserve('quiet', 'f', LONG, 'after-restart|b', true)).toEqual({ state: 'reserved' })
    await store.reserve('sent', 'f', LONG, 'before-restart|a')
    await store.markWriting('sent', 'before-restart|a')
    expect(await store.reserve('sent', 'f', LONG, 'after-restart|b', true)).toMatchObject({ state: 'unknown' })
    // Its own process's claims are still its own requests in flight.
    await store.reserve('mine', 'f', LONG, 'after-restart|c')
    expect(await store.reserve('mine', 'f', LONG, 'after-restart|d', true)).toEqual({ state: 'in-progress' })
  })

  it('lets only the holder mark its write', async () => {
    const store = await make()
    await store.reserve('k', 'f', LONG, 'p1|a')
    await expect(store.markWriting('k', 'p1|b')).rejects.toMatchObject({ status: 503 })
  })
})
