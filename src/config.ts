/**
 * Configuration from the environment (the names PRODUCT.md fixes) and an optional JSON file
 * (`SWITCHBOARD_CONFIG`) for more connections. Everything is validated up front; every
 * problem becomes one line of a ConfigError, so a bad deployment says all that is wrong at once.
 */
import { readFileSync } from 'node:fs'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { batchBookBaseUrl, isValidAccountName } from './upstreams/batchbook/account.js'
import { DEFAULT_BATCHBOOK_LIMIT } from './upstreams/batchbook/wire.js'
import { DEFAULT_SNAPPY_BASE_URL, isValidSnappyKey } from './upstreams/snappy/account.js'
import { DEFAULT_SNAPPY_LIMIT } from './upstreams/snappy/wire.js'
import type { FairShare } from './upstreams/budget/scheduler.js'
import type { SourceKind } from './upstreams/source.js'
import { CONNECTION_NAME_SOURCE as CONNECTION_NAME } from './rules.js'

export interface RateLimit {
  max: number
  windowMs: number
}

export interface ConnectionConfig {
  name: string
  source: SourceKind
  /** Origin plus base path, without a trailing slash. */
  baseUrl: string
  /** The upstream secret (BatchBook token, Snappy API key). Never logged or returned. */
  credential: string
  rateLimit: RateLimit
  timeoutMs: number
}

export interface ApiKeyConfig {
  name: string
  secret: string
  /** Connections this key may use; null means all. */
  connections: string[] | null
}

export interface Config {
  host: string
  port: number
  logLevel: string
  apiKeys: ApiKeyConfig[]
  connections: ConnectionConfig[]
  /** The built-in simulators are used: no upstream credentials are configured (and, in production, SWITCHBOARD_SANDBOX=true). */
  sandbox: boolean
  redisUrl: string | null
  /** Prefix of every Redis key, so deployments sharing one Redis stay apart. */
  redisKeyPrefix: string
  /** How many replicas share the upstream budgets; each falls back to its own time slots when Redis is away. */
  replicas: number
  /** This replica's fixed slot (0 to replicas - 1), or null to claim a free one through Redis. */
  replicaSlot: number | null
  /**
   * How long a gateway not heard from in Redis keeps its time slots of the rate budget: past it
   * the others take them over, and a gateway cut off from Redis that long stops calling the
   * upstreams until it reaches Redis again (see upstreams/budget/slots.ts).
   */
  failoverMs: number
  upstream: {
    timeoutMs: number
    maxResponseBytes: number
    /** How long a call may queue for rate budget before the client gets a 429. */
    maxQueueWaitMs: number
    /** Attempts per idempotent read, the first included. */
    retryAttempts: number
    /** How waiting client work of different API keys shares a connection's budget. */
    fairShare: FairShare
  }
  cache: {
    /** 0 disables the read cache. */
    maxBytes: number
    ttlMs: { record: number; list: number }
    /** How long past its freshness an entry is kept to answer while the upstream fails. */
    staleMs: number
  }
  breaker: {
    failureThreshold: number
    cooldownMs: number
  }
  uploads: {
    /** Largest file accepted by an upload route; beyond it the client gets a 413. */
    maxBytes: number
  }
  /** The synced replica of the upstream records (see src/store/ and src/sync/). */
  store: StoreConfig
  /** The change feed's retention and webhook deliveries (they live in the store). */
  events: EventsConfig
  /** Writes run later (`Prefer: respond-async`): how many may wait, per key and per connection. */
  operations: OperationsConfig
  /** Sandbox mode's data beyond the small seed (`SANDBOX_VOLUME=communications:2000,tickets:300`). */
  sandboxVolume: { communications?: number; tickets?: number; notesPerTicket?: number }
  /** `SANDBOX_RESET=true`: sandbox mode makes a new development key instead of the one it kept. */
  sandboxReset: boolean
  /** How long kept-alive connections drain on shutdown before the server closes (see graceful-close.ts). */
  shutdownDrainMs: number
  /** Load shedding thresholds; 0 turns a check off. */
  loadShedding: {
    maxEventLoopDelayMs: number
    maxEventLoopUtilization: number
  }
}

export interface StoreConfig {
  /** PostgreSQL connection string; null: the embedded SQLite file under `dataDir`. */
  databaseUrl: string | null
  /** The PostgreSQL schema the tables live in (tests give each run its own). */
  databaseSchema: string
  /** Where the embedded store keeps its file. */
  dataDir: string
  /** The deadline of one PostgreSQL statement (and of opening a connection). */
  statementTimeoutMs: number
  /** False: no sync runs and every read goes to the upstream, as before the synced replica. */
  enabled: boolean
  sync: SyncConfig
}

export interface OperationsConfig {
  /** The most operations one API key may have queued or running, over all its connections. */
  maxQueuedPerKey: number
  /** The most operations one connection's queue may hold, queued or running. */
  maxQueuedPerConnection: number
}

export interface EventsConfig {
  /** How long events are kept for the feed and replays. */
  retentionMs: number
  webhooks: {
    /** Deliver to loopback, private and link-local addresses (sandbox mode and tests). */
    allowPrivateNetworks: boolean
    /** Deadline of one delivery attempt. */
    timeoutMs: number
    /** The first retry's delay; each later one doubles it (with jitter), up to an hour. */
    retryBaseMs: number
    /** How long a delivery is retried before the endpoint is disabled. */
    retryForMs: number
    /** How often an idle gateway looks for deliveries due (other gateways' events included). */
    pollMs: number
  }
}

export interface SyncConfig {
  /** How often a live connection asks its upstream for changes. */
  pollMs: { batchbook: number; snappy: number }
  /**
   * How often BatchBook's records are walked whole to find deletions: a fixed interval (0:
   * never), or null to follow from `reconcileShare` and the number of records.
   */
  reconcileMs: number | null
  /** The share of a connection's rate limit the reconcile walks may use on average (0 to 1]. */
  reconcileShare: number
  /**
   * Communications per BatchBook page: fixed, or null to ask for pages of 100 and use what the
   * upstream honours (its documented default is 10; its maximum is not documented).
   */
  batchbookPageSize: number | null
  /** The largest share of a connection's rate budget the sync may use (0 to 1]; clients always go first. */
  budgetShare: number
  /** How long a gateway's claim to sync a connection lasts unless renewed. */
  leaseMs: number
}

export class ConfigError extends Error {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

const apiKeyName = /^[A-Za-z0-9_.-]{1,64}$/
const MIN_SECRET_LENGTH = 16

const RateLimitSchema = Type.Object(
  { max: Type.Integer({ minimum: 1 }), windowMs: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
)
const Common = {
  name: Type.String({ pattern: CONNECTION_NAME }),
  baseUrl: Type.Optional(Type.String()),
  rateLimit: Type.Optional(RateLimitSchema),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
}
const FileSchema = Type.Object(
  {
    connections: Type.Array(
      Type.Union([
        Type.Object(
          {
            ...Common,
            source: Type.Literal('batchbook'),
            account: Type.String(),
            token: Type.String({ minLength: 1 }),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          { ...Common, source: Type.Literal('snappy'), apiKey: Type.String() },
          { additionalProperties: false },
        ),
      ]),
    ),
  },
  { additionalProperties: false },
)
type FileConfig = Static<typeof FileSchema>
type FileConnection = FileConfig['connections'][number]

export interface LoadOptions {
  readFile?: (path: string) => string
}

export function loadConfig(env: NodeJS.ProcessEnv, options: LoadOptions = {}): Config {
  const problems: string[] = []
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'))

  const port = integerVar(env, 'PORT', 3000, 0, 65535, problems)
  const timeoutMs = integerVar(env, 'UPSTREAM_TIMEOUT_MS', 10_000, 1, 600_000, problems)
  const maxResponseBytes = integerVar(env, 'UPSTREAM_MAX_RESPONSE_BYTES', 8 * 1024 * 1024, 1024, 1024 ** 3, problems)
  const maxQueueWaitMs = integerVar(env, 'RATE_LIMIT_MAX_WAIT_MS', 2_000, 0, 60_000, problems)
  const retryAttempts = integerVar(env, 'RETRY_MAX_ATTEMPTS', 3, 1, 10, problems)
  const fairShare = parseFairShare(env, problems)
  const cache = {
    maxBytes: integerVar(env, 'CACHE_MAX_BYTES', 64 * 1024 * 1024, 0, 16 * 1024 ** 3, problems),
    ttlMs: {
      record: integerVar(env, 'CACHE_TTL_RECORD_MS', 60_000, 1, 86_400_000, problems),
      list: integerVar(env, 'CACHE_TTL_LIST_MS', 15_000, 1, 86_400_000, problems),
    },
    staleMs: integerVar(env, 'CACHE_STALE_MS', 3_600_000, 0, 7 * 86_400_000, problems),
  }
  const breaker = {
    failureThreshold: integerVar(env, 'BREAKER_FAILURE_THRESHOLD', 5, 1, 1000, problems),
    cooldownMs: integerVar(env, 'BREAKER_COOLDOWN_MS', 10_000, 1, 3_600_000, problems),
  }
  const shutdownDrainMs = integerVar(env, 'SHUTDOWN_DRAIN_MS', 2_000, 0, 5_000, problems)
  const uploads = { maxBytes: integerVar(env, 'MAX_UPLOAD_BYTES', 100 * 1024 * 1024, 1024, 16 * 1024 ** 3, problems) }
  const host = nonEmpty(env.HOST) ?? '127.0.0.1'
  const logLevel = nonEmpty(env.LOG_LEVEL) ?? 'info'
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL: '${logLevel}' is not one of fatal, error, warn, info, debug, trace, silent`)
  }

  const connections: ConnectionConfig[] = []
  const batchbook = fromEnvBatchBook(env, timeoutMs, problems)
  if (batchbook !== null) connections.push(batchbook)
  const snappy = fromEnvSnappy(env, timeoutMs, problems)
  if (snappy !== null) connections.push(snappy)

  const file = nonEmpty(env.SWITCHBOARD_CONFIG)
  if (file !== undefined) {
    for (const connection of fromFile(file, readFile, timeoutMs, problems)) {
      if (connections.some((c) => c.name === connection.name)) {
        problems.push(`${file}: connection name '${connection.name}' is used twice`)
      } else {
        connections.push(connection)
      }
    }
  }

  const sandbox = sandboxMode(env, connections.length === 0 && !hasAnyUpstreamVariable(env), problems)
  const apiKeys = parseApiKeys(env.API_KEYS, connections, sandbox, problems)
  if (!sandbox && apiKeys.length === 0 && problems.length === 0) {
    problems.push(
      'API_KEYS: at least one client key (name:secret) is required when upstream credentials are configured',
    )
  }

  const replicas = integerVar(env, 'SWITCHBOARD_REPLICAS', 1, 1, 1000, problems)
  const replicaSlot =
    nonEmpty(env.SWITCHBOARD_REPLICA_SLOT) === undefined
      ? null
      : integerVar(env, 'SWITCHBOARD_REPLICA_SLOT', 0, 0, replicas - 1, problems)
  const failoverMs = integerVar(env, 'SWITCHBOARD_FAILOVER_MS', 30_000, 5_000, 600_000, problems)
  const redisKeyPrefix = nonEmpty(env.REDIS_KEY_PREFIX) ?? 'switchboard:'
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(redisKeyPrefix))
    problems.push('REDIS_KEY_PREFIX: use 1 to 64 letters, digits, ":", "_", "." or "-"')
  const loadShedding = {
    maxEventLoopDelayMs: integerVar(env, 'SHED_EVENT_LOOP_DELAY_MS', 1_000, 0, 60_000, problems),
    maxEventLoopUtilization: integerVar(env, 'SHED_EVENT_LOOP_UTILIZATION_PERCENT', 98, 0, 100, problems) / 100,
  }
  const redisUrl = nonEmpty(env.REDIS_URL) ?? null
  if (redisUrl !== null && !/^rediss?:\/\//.test(redisUrl))
    problems.push('REDIS_URL: must start with redis:// or rediss://')

  const store = parseStoreConfig(env, problems)
  const sandboxVolume = parseSandboxVolume(env, problems)
  const sandboxReset = nonEmpty(env.SANDBOX_RESET) ?? 'false'
  if (sandboxReset !== 'true' && sandboxReset !== 'false')
    problems.push(`SANDBOX_RESET: '${printable(sandboxReset)}' is not true or false`)
  const allowPrivate = nonEmpty(env.WEBHOOK_ALLOW_PRIVATE_NETWORKS) ?? (sandbox ? 'true' : 'false')
  if (allowPrivate !== 'true' && allowPrivate !== 'false')
    problems.push(`WEBHOOK_ALLOW_PRIVATE_NETWORKS: '${printable(allowPrivate)}' is not true or false`)
  const events: EventsConfig = {
    retentionMs: integerVar(env, 'EVENTS_RETENTION_DAYS', 30, 1, 365, problems) * 86_400_000,
    webhooks: {
      allowPrivateNetworks: allowPrivate === 'true',
      timeoutMs: integerVar(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000, problems),
      retryBaseMs: integerVar(env, 'WEBHOOK_RETRY_BASE_MS', 5_000, 10, 3_600_000, problems),
      retryForMs: integerVar(env, 'WEBHOOK_RETRY_FOR_MS', 3 * 86_400_000, 1_000, 14 * 86_400_000, problems),
      pollMs: integerVar(env, 'WEBHOOK_POLL_MS', 500, 50, 60_000, problems),
    },
  }

  const operations: OperationsConfig = {
    maxQueuedPerKey: integerVar(env, 'OPERATIONS_MAX_QUEUED_PER_KEY', 100, 1, 100_000, problems),
    maxQueuedPerConnection: integerVar(env, 'OPERATIONS_MAX_QUEUED_PER_CONNECTION', 1_000, 1, 1_000_000, problems),
  }

  if (problems.length > 0) throw new ConfigError(problems)
  return {
    host,
    port,
    logLevel,
    apiKeys,
    connections,
    sandbox,
    redisUrl,
    redisKeyPrefix,
    replicas,
    replicaSlot,
    failoverMs,
    upstream: { timeoutMs, maxResponseBytes, maxQueueWaitMs, retryAttempts, fairShare },
    cache,
    breaker,
    uploads,
    shutdownDrainMs,
    loadShedding,
    store,
    events,
    operations,
    sandboxVolume,
    sandboxReset: sandboxReset === 'true',
  }
}

const VOLUME_KEYS = ['communications', 'tickets', 'notesPerTicket'] as const

/** `SANDBOX_VOLUME`: `name:count` pairs, for sandbox mode at realistic sizes. */
function parseSandboxVolume(env: NodeJS.ProcessEnv, problems: string[]): Config['sandboxVolume'] {
  const volume: Config['sandboxVolume'] = {}
  for (const entry of (nonEmpty(env.SANDBOX_VOLUME) ?? '').split(',').filter((e) => e.trim() !== '')) {
    const [name, count, ...rest] = entry.trim().split(':')
    const n = Number(count)
    const key = VOLUME_KEYS.find((k) => k === name)
    if (key === undefined || rest.length > 0 || !Number.isInteger(n) || n < 1 || n > 1_000_000) {
      problems.push(
        `SANDBOX_VOLUME: '${printable(entry.trim())}' is not name:count with a name of ${VOLUME_KEYS.join(', ')} and a count from 1 to 1000000`,
      )
      continue
    }
    volume[key] = n
  }
  return volume
}

/** `DATABASE_URL`, `DATA_DIR`, `REPLICA` and the `SYNC_*` settings. */
function parseStoreConfig(env: NodeJS.ProcessEnv, problems: string[]): StoreConfig {
  const databaseUrl = nonEmpty(env.DATABASE_URL) ?? null
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl))
    problems.push('DATABASE_URL: must start with postgres:// or postgresql://')
  const databaseSchema = nonEmpty(env.DATABASE_SCHEMA) ?? 'public'
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema))
    problems.push('DATABASE_SCHEMA: use 1 to 63 lower-case letters, digits or "_", not starting with a digit')
  const enabled = nonEmpty(env.REPLICA) ?? 'true'
  if (enabled !== 'true' && enabled !== 'false') problems.push(`REPLICA: '${printable(enabled)}' is not true or false`)
  const share = integerVar(env, 'SYNC_BUDGET_SHARE_PERCENT', 100, 1, 100, problems)
  const optional = (name: string, min: number, max: number) =>
    nonEmpty(env[name]) === undefined ? null : integerVar(env, name, min, min, max, problems)
  return {
    databaseUrl,
    databaseSchema,
    dataDir: nonEmpty(env.DATA_DIR) ?? 'data',
    statementTimeoutMs: integerVar(env, 'DATABASE_TIMEOUT_MS', 5_000, 100, 60_000, problems),
    enabled: enabled !== 'false',
    sync: {
      pollMs: {
        batchbook: integerVar(env, 'SYNC_BATCHBOOK_POLL_MS', 10_000, 1_000, 3_600_000, problems),
        snappy: integerVar(env, 'SYNC_SNAPPY_POLL_MS', 15_000, 1_000, 3_600_000, problems),
      },
      reconcileMs: optional('SYNC_RECONCILE_MS', 0, 7 * 86_400_000),
      reconcileShare: integerVar(env, 'SYNC_RECONCILE_BUDGET_PERCENT', 10, 1, 100, problems) / 100,
      batchbookPageSize: optional('SYNC_BATCHBOOK_PAGE_SIZE', 1, 1000),
      budgetShare: share / 100,
      leaseMs: integerVar(env, 'SYNC_LEASE_MS', 30_000, 1_000, 600_000, problems),
    },
  }
}

/** `RATE_FAIR_SHARE` (round-robin or fifo) and `RATE_KEY_WEIGHTS` (`name:weight,...`). */
function parseFairShare(env: NodeJS.ProcessEnv, problems: string[]): FairShare {
  const mode = nonEmpty(env.RATE_FAIR_SHARE) ?? 'round-robin'
  if (mode !== 'round-robin' && mode !== 'fifo')
    problems.push(`RATE_FAIR_SHARE: '${printable(mode)}' is not one of round-robin, fifo`)
  const weights: Record<string, number> = {}
  for (const entry of (nonEmpty(env.RATE_KEY_WEIGHTS) ?? '').split(',').filter((e) => e.trim() !== '')) {
    const [name, weight, ...rest] = entry.trim().split(':')
    const n = Number(weight)
    if (name === undefined || !apiKeyName.test(name) || rest.length > 0 || !Number.isInteger(n) || n < 1 || n > 100) {
      problems.push(`RATE_KEY_WEIGHTS: '${printable(entry.trim())}' is not name:weight with a weight from 1 to 100`)
      continue
    }
    weights[name] = n
  }
  return { mode: mode === 'fifo' ? 'fifo' : 'round-robin', weights }
}

/**
 * Whether to run the built-in simulators. Having no upstream credentials means sandbox mode,
 * except in production, where a deployment that lost its credentials must not come up
 * answering simulated data: there the sandbox must be asked for (`SWITCHBOARD_SANDBOX=true`).
 * Asking for it next to credentials is refused rather than letting one silently win.
 */
function sandboxMode(env: NodeJS.ProcessEnv, noCredentials: boolean, problems: string[]): boolean {
  const asked = nonEmpty(env.SWITCHBOARD_SANDBOX)
  if (asked !== undefined && asked !== 'true' && asked !== 'false') {
    problems.push(`SWITCHBOARD_SANDBOX: '${printable(asked)}' is not true or false`)
    return false
  }
  if (asked === 'true' && !noCredentials) {
    problems.push(
      'SWITCHBOARD_SANDBOX: true runs the built-in simulators, but upstream credentials are set too; remove one or the other',
    )
  }
  if (!noCredentials) return false
  if (asked === 'false') {
    problems.push(
      'SWITCHBOARD_SANDBOX: false, but no upstream credentials are set (BATCHBOOK_ACCOUNT and BATCHBOOK_TOKEN, SNAPPY_API_KEY or SWITCHBOARD_CONFIG)',
    )
    return false
  }
  if (asked === undefined && nonEmpty(env.NODE_ENV) === 'production') {
    problems.push(
      'SWITCHBOARD_SANDBOX: NODE_ENV is production and no upstream credentials are set; set them, or SWITCHBOARD_SANDBOX=true to run the built-in simulators',
    )
    return false
  }
  return true
}

function hasAnyUpstreamVariable(env: NodeJS.ProcessEnv): boolean {
  return [
    'BATCHBOOK_ACCOUNT',
    'BATCHBOOK_TOKEN',
    'BATCHBOOK_BASE_URL',
    'SNAPPY_API_KEY',
    'SNAPPY_BASE_URL',
    'SWITCHBOARD_CONFIG',
  ].some((name) => nonEmpty(env[name]) !== undefined)
}

function fromEnvBatchBook(env: NodeJS.ProcessEnv, timeoutMs: number, problems: string[]): ConnectionConfig | null {
  const account = nonEmpty(env.BATCHBOOK_ACCOUNT)
  const token = nonEmpty(env.BATCHBOOK_TOKEN)
  const override = nonEmpty(env.BATCHBOOK_BASE_URL)
  if (account === undefined && token === undefined) {
    if (override !== undefined)
      problems.push('BATCHBOOK_BASE_URL: set BATCHBOOK_ACCOUNT and BATCHBOOK_TOKEN too, or remove it')
    return null
  }
  if (account === undefined) problems.push('BATCHBOOK_ACCOUNT: required when BATCHBOOK_TOKEN is set')
  if (token === undefined) problems.push('BATCHBOOK_TOKEN: required when BATCHBOOK_ACCOUNT is set')
  if (account === undefined || token === undefined) return null
  return batchBookConnection(
    'batchbook',
    account,
    token,
    override,
    undefined,
    timeoutMs,
    'BATCHBOOK_ACCOUNT',
    'BATCHBOOK_BASE_URL',
    problems,
  )
}

function batchBookConnection(
  name: string,
  account: string,
  token: string,
  override: string | undefined,
  rateLimit: RateLimit | undefined,
  timeoutMs: number,
  accountLabel: string,
  urlLabel: string,
  problems: string[],
): ConnectionConfig | null {
  if (!isValidAccountName(account)) {
    problems.push(
      `${accountLabel}: '${printable(account)}' is not a valid host label (letters, digits and inner hyphens, at most 63 characters)`,
    )
    return null
  }
  const baseUrl = override === undefined ? batchBookBaseUrl(account) : checkedBaseUrl(override, urlLabel, problems)
  if (baseUrl === null) return null
  return {
    name,
    source: 'batchbook',
    baseUrl,
    credential: token,
    rateLimit: rateLimit ?? DEFAULT_BATCHBOOK_LIMIT,
    timeoutMs,
  }
}

function fromEnvSnappy(env: NodeJS.ProcessEnv, timeoutMs: number, problems: string[]): ConnectionConfig | null {
  const key = nonEmpty(env.SNAPPY_API_KEY)
  const override = nonEmpty(env.SNAPPY_BASE_URL)
  if (key === undefined) {
    if (override !== undefined) problems.push('SNAPPY_BASE_URL: set SNAPPY_API_KEY too, or remove it')
    return null
  }
  return snappyConnection('snappy', key, override, undefined, timeoutMs, 'SNAPPY_API_KEY', 'SNAPPY_BASE_URL', problems)
}

function snappyConnection(
  name: string,
  key: string,
  override: string | undefined,
  rateLimit: RateLimit | undefined,
  timeoutMs: number,
  keyLabel: string,
  urlLabel: string,
  problems: string[],
): ConnectionConfig | null {
  if (!isValidSnappyKey(key)) {
    problems.push(`${keyLabel}: must be the 64 hexadecimal characters of a Snappy API key`)
    return null
  }
  const baseUrl = checkedBaseUrl(override ?? DEFAULT_SNAPPY_BASE_URL, urlLabel, problems)
  if (baseUrl === null) return null
  return { name, source: 'snappy', baseUrl, credential: key, rateLimit: rateLimit ?? DEFAULT_SNAPPY_LIMIT, timeoutMs }
}

function fromFile(
  path: string,
  readFile: (path: string) => string,
  timeoutMs: number,
  problems: string[],
): ConnectionConfig[] {
  let raw: unknown
  try {
    raw = JSON.parse(readFile(path))
  } catch (err) {
    problems.push(`SWITCHBOARD_CONFIG: cannot read ${path} as JSON (${(err as Error).message})`)
    return []
  }
  if (!Value.Check(FileSchema, raw)) {
    for (const error of Value.Errors(FileSchema, raw)) {
      if (error.keyword === 'anyOf' || error.keyword === 'boolean') continue
      problems.push(`${path}${error.instancePath || '/'}: ${error.message}`)
    }
    return []
  }
  const out: ConnectionConfig[] = []
  raw.connections.forEach((c: FileConnection, i) => {
    const at = `${path}/connections/${i}`
    const connection =
      c.source === 'batchbook'
        ? batchBookConnection(
            c.name,
            c.account,
            c.token,
            c.baseUrl,
            c.rateLimit,
            c.timeoutMs ?? timeoutMs,
            `${at}/account`,
            `${at}/baseUrl`,
            problems,
          )
        : snappyConnection(
            c.name,
            c.apiKey,
            c.baseUrl,
            c.rateLimit,
            c.timeoutMs ?? timeoutMs,
            `${at}/apiKey`,
            `${at}/baseUrl`,
            problems,
          )
    if (connection !== null) out.push(connection)
  })
  return out
}

/** `name:secret` or `name:secret:conn1+conn2`, comma-separated. Secrets are never echoed. */
function parseApiKeys(
  raw: string | undefined,
  connections: ConnectionConfig[],
  sandbox: boolean,
  problems: string[],
): ApiKeyConfig[] {
  const value = nonEmpty(raw)
  if (value === undefined) return []
  const keys: ApiKeyConfig[] = []
  const known = new Set(connections.map((c) => c.name))
  value.split(',').forEach((entry, i) => {
    const parts = entry.trim().split(':')
    const at = `API_KEYS entry ${i + 1}`
    if (parts.length < 2 || parts.length > 3) {
      problems.push(`${at}: expected name:secret or name:secret:conn1+conn2`)
      return
    }
    const [name = '', secret = '', scope] = parts
    if (!apiKeyName.test(name))
      problems.push(`${at}: name '${printable(name)}' may only hold letters, digits, '.', '_' and '-'`)
    if (secret.length < MIN_SECRET_LENGTH)
      problems.push(`${at} (${printable(name)}): the secret must be at least ${MIN_SECRET_LENGTH} characters`)
    if (keys.some((k) => k.name === name)) problems.push(`${at}: key name '${printable(name)}' is used twice`)
    let scoped: string[] | null = null
    if (scope !== undefined) {
      scoped = scope.split('+').filter((s) => s.length > 0)
      if (scoped.length === 0) problems.push(`${at} (${printable(name)}): the connection list is empty`)
      for (const c of scoped) {
        // In sandbox mode the connections appear only once the simulators run; their names are fixed.
        const exists = sandbox ? c === 'batchbook' || c === 'snappy' : known.has(c)
        if (!exists) problems.push(`${at} (${printable(name)}): unknown connection '${printable(c)}'`)
      }
    }
    keys.push({ name, secret, connections: scoped })
  })
  return keys
}

function checkedBaseUrl(value: string, label: string, problems: string[]): string | null {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    problems.push(`${label}: '${printable(value)}' is not a URL`)
    return null
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push(`${label}: must be an http or https URL`)
  else if (url.username !== '' || url.password !== '') problems.push(`${label}: must not carry credentials`)
  else if (url.search !== '' || url.hash !== '') problems.push(`${label}: must not have a query or fragment`)
  else return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
  return null
}

function integerVar(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const value = nonEmpty(env[name])
  if (value === undefined) return fallback
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < min || n > max) {
    problems.push(`${name}: '${printable(value)}' must be a whole number from ${min} to ${max}`)
    return fallback
  }
  return n
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === '' ? undefined : trimmed
}

/** Keeps error lines on one line and short, whatever was configured. */
function printable(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?')
  return clean.length > 64 ? `${clean.slice(0, 61)}...` : clean
}
