/** The start-up lines: version, each connection, the store and Redis, one line each, no secret in any. */
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { startupSummary } from '../src/startup-summary.js'
import { VERSION } from '../src/version.js'

describe('the start-up summary', () => {
  it('says what runs, where, and never a password or a token', () => {
    const config = loadConfig({
      API_KEYS: 'ops:sk_live_0123456789abcdef',
      BATCHBOOK_ACCOUNT: 'acme',
      BATCHBOOK_TOKEN: 'bb-token-secret',
      SNAPPY_API_KEY: 'ab'.repeat(32),
      DATABASE_URL: 'postgres://switchboard:db-password@db.internal:5432/switchboard',
      REDIS_URL: 'redis://:redis-password@cache.internal:6379/0',
    })
    const lines = startupSummary(config, new Set())
    const text = JSON.stringify(lines)
    for (const secret of ['bb-token-secret', 'ab'.repeat(32), 'db-password', 'redis-password', 'sk_live'])
      expect(text).not.toContain(secret)
    expect(lines.map((l) => l.message)).toEqual([
      `Switchboard ${VERSION} on Node.js ${process.versions.node}`,
      expect.stringMatching(/^connection batchbook: batchbook at https:\/\/\S+, 1 calls per 1 s$/),
      expect.stringMatching(/^connection snappy: snappy at https:\/\/\S+, 200 calls per 60 s$/),
      'store: PostgreSQL at postgres://db.internal:5432, schema public',
      'Redis at redis://cache.internal:6379',
    ])
  })

  it('names the embedded store and no Redis in sandbox mode', () => {
    const config = loadConfig({})
    const messages = startupSummary(config, new Set()).map((l) => l.message)
    expect(messages).toContain('store: embedded SQLite under data')
    expect(messages).toContain('Redis: none; budgets, cache and idempotency live in this process')
  })
})
