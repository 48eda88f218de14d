import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'

const SNAPPY_KEY = 'a'.repeat(64)
const CLIENT = 'app:0123456789abcdef0123'

function problemsOf(env: NodeJS.ProcessEnv, readFile?: (path: string) => string): string[] {
  try {
    loadConfig(env, readFile === undefined ? {} : { readFile })
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  return []
}

describe('loadConfig', () => {
  it('starts in sandbox mode with defaults when no upstream credentials are set', () => {
    const config = loadConfig({})
    expect(config.sandbox).toBe(true)
    expect(config.host).toBe('127.0.0.1')
    expect(config.port).toBe(3000)
    expect(config.connections).toEqual([])
    expect(config.upstream.timeoutMs).toBe(10_000)
  })

  it('refuses the sandbox in production without upstream credentials, naming SWITCHBOARD_SANDBOX', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'SWITCHBOARD_SANDBOX: NODE_ENV is production and no upstream credentials are set; set them, or SWITCHBOARD_SANDBOX=true to run the built-in simulators',
    ])
  })

  it('runs the sandbox in production when SWITCHBOARD_SANDBOX=true', () => {
    expect(loadConfig({ NODE_ENV: 'production', SWITCHBOARD_SANDBOX: 'true' }).sandbox).toBe(true)
    expect(loadConfig({ SWITCHBOARD_SANDBOX: 'true' }).sandbox).toBe(true)
  })

  it('refuses SWITCHBOARD_SANDBOX=true next to upstream credentials', () => {
    expect(problemsOf({ SNAPPY_API_KEY: SNAPPY_KEY, API_KEYS: CLIENT, SWITCHBOARD_SANDBOX: 'true' })).toEqual([
      'SWITCHBOARD_SANDBOX: true runs the built-in simulators, but upstream credentials are set too; remove one or the other',
    ])
  })

  it('refuses SWITCHBOARD_SANDBOX=false without credentials, and values other than true or false', () => {
    expect(problemsOf({ SWITCHBOARD_SANDBOX: 'false' })).toEqual([
      'SWITCHBOARD_SANDBOX: false, but no upstream credentials are set (BATCHBOOK_ACCOUNT and BATCHBOOK_TOKEN, SNAPPY_API_KEY or SWITCHBOARD_CONFIG)',
    ])
    expect(problemsOf({ SWITCHBOARD_SANDBOX: 'yes' })).toEqual(["SWITCHBOARD_SANDBOX: 'yes' is not true or false"])
    expect(loadConfig({ SNAPPY_API_KEY: SNAPPY_KEY, API_KEYS: CLIENT, SWITCHBOARD_SANDBOX: 'false' }).sandbox).toBe(
      false,
    )
  })

  it('builds the batchbook and snappy connections from the environment', () => {
    const config = loadConfig({
      BATCHBOOK_ACCOUNT: 'acme',
      BATCHBOOK_TOKEN: 'tok',
      SNAPPY_API_KEY: SNAPPY_KEY,
      API_KEYS: CLIENT,
    })
    expect(config.sandbox).toBe(false)
    expect(config.connections.map((c) => [c.name, c.source, c.baseUrl, c.rateLimit])).toEqual([
      ['batchbook', 'batchbook', 'https://acme.batchbook.com', { max: 1, windowMs: 1000 }],
      ['snappy', 'snappy', 'https://app.besnappy.com/api/v1', { max: 200, windowMs: 60_000 }],
    ])
  })

  it('honours base URL overrides and strips a trailing slash', () => {
    const config = loadConfig({
      BATCHBOOK_ACCOUNT: 'acme',
      BATCHBOOK_TOKEN: 'tok',
      BATCHBOOK_BASE_URL: 'http://127.0.0.1:9000/',
      API_KEYS: CLIENT,
    })
    expect(config.connections[0]?.baseUrl).toBe('http://127.0.0.1:9000')
  })

  it('rejects a BatchBook account that is not a host label', () => {
    expect(problemsOf({ BATCHBOOK_ACCOUNT: 'evil.example.com/x', BATCHBOOK_TOKEN: 't', API_KEYS: CLIENT })).toEqual([
      "BATCHBOOK_ACCOUNT: 'evil.example.com/x' is not a valid host label (letters, digits and inner hyphens, at most 63 characters)",
    ])
  })

  it('reports every problem at once, one line each', () => {
    const problems = problemsOf({
      BATCHBOOK_TOKEN: 'secret-token',
      SNAPPY_API_KEY: 'short',
      PORT: 'eighty',
      API_KEYS: 'x:short',
    })
    expect(problems).toEqual([
      "PORT: 'eighty' must be a whole number from 0 to 65535",
      'BATCHBOOK_ACCOUNT: required when BATCHBOOK_TOKEN is set',
      'SNAPPY_API_KEY: must be the 64 hexadecimal characters of a Snappy API key',
      'API_KEYS entry 1 (x): the secret must be at least 16 characters',
    ])
  })

  it('never puts a secret in a problem line', () => {
    const problems = problemsOf({ SNAPPY_API_KEY: 'not-hex-but-secret-value', API_KEYS: 'x:tiny-secret' })
    expect(problems.join('\n')).not.toContain('not-hex-but-secret-value')
    expect(problems.join('\n')).not.toContain('tiny-secret')
  })

  it('requires client keys once upstream credentials are configured', () => {
    expect(problemsOf({ SNAPPY_API_KEY: SNAPPY_KEY })).toEqual([
      'API_KEYS: at least one client key (name:secret) is required when upstream credentials are configured',
    ])
  })

  it('parses API keys limited to connections and rejects unknown connections', () => {
    const config = loadConfig({ SNAPPY_API_KEY: SNAPPY_KEY, API_KEYS: `${CLIENT},ops:fedcba9876543210fedc:snappy` })
    expect(config.apiKeys).toEqual([
      { name: 'app', secret: '0123456789abcdef0123', connections: null },
      { name: 'ops', secret: 'fedcba9876543210fedc', connections: ['snappy'] },
    ])
    expect(problemsOf({ SNAPPY_API_KEY: SNAPPY_KEY, API_KEYS: 'ops:fedcba9876543210fedc:crm' })).toEqual([
      "API_KEYS entry 1 (ops): unknown connection 'crm'",
    ])
  })

  it('adds connections from a config file', () => {
    const file = JSON.stringify({
      connections: [
        { name: 'crm-eu', source: 'batchbook', account: 'acme-eu', token: 't2', rateLimit: { max: 2, windowMs: 1000 } },
        { name: 'desk2', source: 'snappy', apiKey: 'b'.repeat(64), baseUrl: 'http://127.0.0.1:8080/api/v1' },
      ],
    })
    const config = loadConfig({ SWITCHBOARD_CONFIG: 'conns.json', API_KEYS: CLIENT }, { readFile: () => file })
    expect(config.connections.map((c) => [c.name, c.baseUrl, c.rateLimit.max])).toEqual([
      ['crm-eu', 'https://acme-eu.batchbook.com', 2],
      ['desk2', 'http://127.0.0.1:8080/api/v1', 200],
    ])
  })

  it('reports config file problems with their JSON path', () => {
    const file = JSON.stringify({
      connections: [{ name: 'crm', source: 'batchbook', account: 'bad_label!', token: 't' }],
    })
    expect(problemsOf({ SWITCHBOARD_CONFIG: 'c.json', API_KEYS: CLIENT }, () => file)).toEqual([
      "c.json/connections/0/account: 'bad_label!' is not a valid host label (letters, digits and inner hyphens, at most 63 characters)",
    ])
    expect(problemsOf({ SWITCHBOARD_CONFIG: 'c.json', API_KEYS: CLIENT }, () => '{nope')[0]).toMatch(
      /^SWITCHBOARD_CONFIG: cannot read c.json as JSON/,
    )
  })

  it('rejects a base URL with credentials, a query or another scheme', () => {
    const base = { BATCHBOOK_ACCOUNT: 'acme', BATCHBOOK_TOKEN: 't', API_KEYS: CLIENT }
    expect(problemsOf({ ...base, BATCHBOOK_BASE_URL: 'http://u:p@127.0.0.1' })).toEqual([
      'BATCHBOOK_BASE_URL: must not carry credentials',
    ])
    expect(problemsOf({ ...base, BATCHBOOK_BASE_URL: 'http://127.0.0.1/?a=1' })).toEqual([
      'BATCHBOOK_BASE_URL: must not have a query or fragment',
    ])
    expect(problemsOf({ ...base, BATCHBOOK_BASE_URL: 'ftp://127.0.0.1' })).toEqual([
      'BATCHBOOK_BASE_URL: must be an http or https URL',
    ])
  })

  it('shares the budget between keys round-robin with weight 1 unless told otherwise', () => {
    expect(loadConfig({}).upstream.fairShare).toEqual({ mode: 'round-robin', weights: {} })
    expect(
      loadConfig({ RATE_FAIR_SHARE: 'fifo', RATE_KEY_WEIGHTS: 'dashboard:3, batch:1' }).upstream.fairShare,
    ).toEqual({
      mode: 'fifo',
      weights: { dashboard: 3, batch: 1 },
    })
  })

  it('rejects an unknown fair-share mode and malformed key weights', () => {
    expect(problemsOf({ RATE_FAIR_SHARE: 'lottery', RATE_KEY_WEIGHTS: 'a:0,b:x,c' })).toEqual([
      "RATE_FAIR_SHARE: 'lottery' is not one of round-robin, fifo",
      "RATE_KEY_WEIGHTS: 'a:0' is not name:weight with a weight from 1 to 100",
      "RATE_KEY_WEIGHTS: 'b:x' is not name:weight with a weight from 1 to 100",
      "RATE_KEY_WEIGHTS: 'c' is not name:weight with a weight from 1 to 100",
    ])
  })

  it('takes a fixed replica slot within the number of replicas', () => {
    expect(loadConfig({}).replicaSlot).toBeNull()
    expect(loadConfig({ SWITCHBOARD_REPLICAS: '3', SWITCHBOARD_REPLICA_SLOT: '2' }).replicaSlot).toBe(2)
    expect(problemsOf({ SWITCHBOARD_REPLICAS: '3', SWITCHBOARD_REPLICA_SLOT: '3' })).toEqual([
      expect.stringMatching(/^SWITCHBOARD_REPLICA_SLOT: /),
    ])
  })

  describe('the synced replica', () => {
    it('uses the embedded store under data/ unless DATABASE_URL names PostgreSQL', () => {
      expect(loadConfig({}).store).toMatchObject({ databaseUrl: null, dataDir: 'data', enabled: true })
      expect(loadConfig({ DATABASE_URL: 'postgres://db/sb', DATABASE_SCHEMA: 'gw' }).store).toMatchObject({
        databaseUrl: 'postgres://db/sb',
        databaseSchema: 'gw',
      })
    })

    it('refuses a DATABASE_URL that is not PostgreSQL and a schema name that is not plain', () => {
      expect(problemsOf({ DATABASE_URL: 'mysql://db' })).toEqual([expect.stringMatching(/^DATABASE_URL: /)])
      expect(problemsOf({ DATABASE_SCHEMA: 'a";drop' })).toEqual([expect.stringMatching(/^DATABASE_SCHEMA: /)])
    })

    it('reads the sync settings, the budget share as a fraction', () => {
      const { sync } = loadConfig({ SYNC_BATCHBOOK_POLL_MS: '5000', SYNC_BUDGET_SHARE_PERCENT: '50' }).store
      expect(sync.pollMs.batchbook).toBe(5000)
      expect(sync.budgetShare).toBe(0.5)
      expect(problemsOf({ SYNC_BUDGET_SHARE_PERCENT: '0' })).toEqual([
        expect.stringMatching(/^SYNC_BUDGET_SHARE_PERCENT: /),
      ])
      expect(problemsOf({ REPLICA: 'maybe' })).toEqual([expect.stringMatching(/^REPLICA: /)])
    })

    it('keeps events thirty days and refuses private webhook targets, except in sandbox mode', () => {
      expect(
        loadConfig({ BATCHBOOK_ACCOUNT: 'acme', BATCHBOOK_TOKEN: 't', API_KEYS: 'a:0123456789abcdef' }).events,
      ).toMatchObject({
        retentionMs: 30 * 86_400_000,
        webhooks: { allowPrivateNetworks: false, timeoutMs: 10_000 },
      })
      expect(loadConfig({}).events.webhooks.allowPrivateNetworks).toBe(true)
      expect(problemsOf({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'yes' })).toEqual([
        expect.stringMatching(/^WEBHOOK_ALLOW_PRIVATE_NETWORKS: /),
      ])
    })

    it('reads the sandbox volume as name:count pairs', () => {
      expect(loadConfig({ SANDBOX_VOLUME: 'communications:2000,tickets:300' }).sandboxVolume).toEqual({
        communications: 2000,
        tickets: 300,
      })
      expect(problemsOf({ SANDBOX_VOLUME: 'messages:5' })).toEqual([expect.stringMatching(/^SANDBOX_VOLUME: /)])
    })
  })
})
