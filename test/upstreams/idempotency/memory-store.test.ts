import { describe, expect, it } from 'vitest'
import { MemoryIdempotencyStore } from '../../../src/upstreams/idempotency/memory-store.js'

const response = { status: 201, headers: { location: '/v1/messages/msg_x' }, body: '{"id":"msg_x"}' }

describe('MemoryIdempotencyStore', () => {
  it('reserves a new key once and reports it in progress to a concurrent repeat', async () => {
    const store = new MemoryIdempotencyStore()
    expect(await store.reserve('k', 'f', 1000)).toEqual({ state: 'reserved' })
    expect(await store.reserve('k', 'f', 1000)).toEqual({ state: 'in-progress' })
  })

  it('replays the completed answer for the same key and request', async () => {
    const store = new MemoryIdempotencyStore()
    await store.reserve('k', 'f', 1000)
    await store.complete('k', 'f', response, 1000)
    expect(await store.reserve('k', 'f', 1000)).toEqual({ state: 'completed', response })
  })

  it('reports a mismatch when the key comes back with another request', async () => {
    const store = new MemoryIdempotencyStore()
    await store.reserve('k', 'f', 1000)
    expect(await store.reserve('k', 'other', 1000)).toEqual({ state: 'mismatch' })
  })

  it('lets a released reservation be taken again', async () => {
    const store = new MemoryIdempotencyStore()
    await store.reserve('k', 'f', 1000)
    await store.release('k')
    expect(await store.reserve('k', 'f', 1000)).toEqual({ state: 'reserved' })
  })

  it('forgets records after their time to live', async () => {
    let now = 0
    const store = new MemoryIdempotencyStore(() => now)
    await store.reserve('k', 'f', 1000)
    await store.complete('k', 'f', response, 1000)
    now = 1000
    expect(await store.reserve('k', 'f', 1000)).toEqual({ state: 'reserved' })
  })
})
