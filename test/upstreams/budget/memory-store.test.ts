import { describe, expect, it } from 'vitest'
import { MemoryBudgetStore } from '../../../src/upstreams/budget/memory-store.js'

describe('MemoryBudgetStore', () => {
  it('grants up to max per rolling window and says when the next unit frees up', async () => {
    let now = 1000
    const store = new MemoryBudgetStore(() => now)
    const limit = { max: 2, windowMs: 1000 }
    expect(await store.take('k', limit)).toEqual({ granted: true, remaining: 1 })
    now = 1400
    expect(await store.take('k', limit)).toEqual({ granted: true, remaining: 0 })
    now = 1500
    expect(await store.take('k', limit)).toEqual({ granted: false, retryAfterMs: 500 })
    now = 2000
    expect(await store.take('k', limit)).toEqual({ granted: true, remaining: 0 })
    expect(await store.status('k', limit)).toEqual({ remaining: 0, resetMs: 400 })
  })

  it('keeps keys apart', async () => {
    const store = new MemoryBudgetStore(() => 0)
    const limit = { max: 1, windowMs: 1000 }
    expect((await store.take('a', limit)).granted).toBe(true)
    expect((await store.take('b', limit)).granted).toBe(true)
    expect((await store.take('a', limit)).granted).toBe(false)
  })

  it('grants nothing while paused and reports the pause as the reset', async () => {
    let now = 0
    const store = new MemoryBudgetStore(() => now)
    const limit = { max: 5, windowMs: 1000 }
    await store.pause('k', 3000)
    expect(await store.take('k', limit)).toEqual({ granted: false, retryAfterMs: 3000 })
    expect(await store.status('k', limit)).toEqual({ remaining: 0, resetMs: 3000 })
    now = 3000
    expect((await store.take('k', limit)).granted).toBe(true)
  })

  it('holds background takes back for one interval after a foreground take had to wait', async () => {
    let now = 0
    const store = new MemoryBudgetStore(() => now)
    const limit = { max: 1, windowMs: 1000 }
    expect((await store.take('k', limit, 'client')).granted).toBe(true)
    now = 400
    expect(await store.take('k', limit, 'client')).toEqual({ granted: false, retryAfterMs: 600 })
    // The unit frees at 1000, but a client wanted it: background waits one more interval.
    now = 1000
    expect(await store.take('k', limit, 'background')).toEqual({ granted: false, retryAfterMs: 1000 })
    expect((await store.take('k', limit, 'client')).granted).toBe(true)
    now = 2000
    expect((await store.take('k', limit, 'background')).granted).toBe(true)
  })
})
