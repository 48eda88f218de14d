/**
 * `GET /metrics` in the Prometheus text format (prom-client): request durations per route and
 * status, upstream calls per connection/status/outcome, cache results and size, rate budget
 * and queue wait, circuit state, and the build. Engine figures arrive on diagnostics channels;
 * gauges are read from the engine when scraped. Each app has its own registry. An HTTP status
 * is labelled `status_code` wherever it appears (the gateway's answers, the upstreams').
 */
import diagnostics from 'node:diagnostics_channel'
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { Type } from 'typebox'
import { problemResponses } from '../schemas/responses.js'
import type { CircuitState } from '../upstreams/breaker.js'
import { type SyncStatus, syncStatus } from '../sync/status.js'
import type { WebhookAttemptEvent } from '../webhooks/delivery.js'
import type { BreakerEvent, CacheEvent, QueueWaitEvent, UpstreamCallEvent } from '../upstreams/instrumentation.js'

const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 }
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** The package's version, or 'unknown' where no package.json with one sits two folders up (a benchmark build). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown
    }
    return typeof pkg.version === 'string' ? pkg.version : 'unknown'
  } catch {
    return 'unknown'
  }
}

/** The labels of `switchboard_build_info`. */
export function buildInfo(env: NodeJS.ProcessEnv = process.env): {
  version: string
  node_version: string
  commit: string
} {
  const commit = env.SWITCHBOARD_COMMIT?.trim().slice(0, 64)
  return {
    version: packageVersion(),
    node_version: process.version,
    commit: commit === undefined || commit === '' ? 'unknown' : commit,
  }
}

async function metrics(app: FastifyInstance): Promise<void> {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })

  new Gauge({
    name: 'switchboard_build_info',
    help: 'Always 1; the labels name the build: package version, Node.js version and commit (SWITCHBOARD_COMMIT, or unknown).',
    labelNames: ['version', 'node_version', 'commit'],
    registers: [registry],
  }).set(buildInfo(), 1)

  const requestDuration = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'Gateway request durations by route and status.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  const upstreamCalls = new Counter({
    name: 'switchboard_upstream_requests_total',
    help: 'Upstream calls by connection, HTTP status (none when no answer came) and outcome.',
    labelNames: ['connection', 'source', 'method', 'status_code', 'outcome'],
    registers: [registry],
  })
  const upstreamDuration = new Histogram({
    name: 'switchboard_upstream_request_duration_seconds',
    help: 'Upstream call durations by connection and outcome.',
    labelNames: ['connection', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  const cacheResults = new Counter({
    name: 'switchboard_cache_results_total',
    help: 'Upstream reads by how they were served: hit, miss, stale or coalesced (shared an in-flight call).',
    labelNames: ['connection', 'result'],
    registers: [registry],
  })
  const queueWait = new Histogram({
    name: 'switchboard_rate_queue_wait_seconds',
    help: 'Time calls waited for rate budget, by lane (committed, client, background) and whether they were granted or refused.',
    labelNames: ['connection', 'lane', 'granted'],
    buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  })
  const grants = new Counter({
    name: 'switchboard_rate_grants_total',
    help: 'Rate-budget decisions by connection, lane and API key (party; "-" for work of no key): the fair share between keys.',
    labelNames: ['connection', 'lane', 'party', 'granted'],
    registers: [registry],
  })
  const breakerTransitions = new Counter({
    name: 'switchboard_circuit_transitions_total',
    help: 'Circuit breaker transitions by connection and new state.',
    labelNames: ['connection', 'to'],
    registers: [registry],
  })

  new Gauge({
    name: 'switchboard_cache_bytes',
    help: 'Bytes the read cache holds (with Redis: the Redis server memory).',
    registers: [registry],
    async collect() {
      this.set((await app.upstreams.stores.cache.stats()).bytes)
    },
  })
  new Gauge({
    name: 'switchboard_cache_entries',
    help: 'Entries the read cache holds (with Redis: keys in the Redis database).',
    registers: [registry],
    async collect() {
      this.set((await app.upstreams.stores.cache.stats()).entries)
    },
  })
  registerSyncMetrics(app, registry)
  registerOperationMetrics(app, registry)
  registerWebhookMetrics(app, registry)
  registerStoreMetrics(app, registry)
  const webhookAttempts = new Counter({
    name: 'switchboard_webhook_attempts_total',
    help: 'Webhook delivery attempts, by result (succeeded, failed and retried, gave_up: the endpoint was disabled).',
    labelNames: ['result'],
    registers: [registry],
  })
  new Gauge({
    name: 'switchboard_rate_budget_remaining',
    help: 'Upstream requests left in the current window, by connection.',
    labelNames: ['connection'],
    registers: [registry],
    async collect() {
      for (const adapter of app.upstreams.all()) {
        this.set({ connection: adapter.connection.name }, (await adapter.engine.scheduler.status()).remaining)
      }
    },
  })
  new Gauge({
    name: 'switchboard_rate_budget_queued',
    help: 'Calls waiting for rate budget now, by connection, lane and API key (party).',
    labelNames: ['connection', 'lane', 'party'],
    registers: [registry],
    collect() {
      // Parties that stopped waiting must read 0, not their last count.
      this.reset()
      for (const adapter of app.upstreams.all()) {
        for (const work of adapter.engine.scheduler.queuedWork())
          this.set({ connection: adapter.connection.name, lane: work.lane, party: work.party }, work.count)
      }
    },
  })
  new Gauge({
    name: 'switchboard_circuit_state',
    help: 'Circuit breaker state by connection: 0 closed, 1 half-open, 2 open.',
    labelNames: ['connection'],
    registers: [registry],
    collect() {
      for (const adapter of app.upstreams.all())
        this.set({ connection: adapter.connection.name }, CIRCUIT_VALUE[adapter.engine.breaker.state])
    },
  })

  const subscriptions: Array<[string, (message: unknown) => void]> = [
    [
      'switchboard:upstream:call',
      (m) => {
        const e = m as UpstreamCallEvent
        upstreamCalls.inc({
          connection: e.connection,
          source: e.source,
          method: e.method,
          status_code: e.status === null ? 'none' : String(e.status),
          outcome: e.outcome,
        })
        upstreamDuration.observe({ connection: e.connection, outcome: e.outcome }, e.durationMs / 1000)
      },
    ],
    [
      'switchboard:upstream:cache',
      (m) => cacheResults.inc({ connection: (m as CacheEvent).connection, result: (m as CacheEvent).result }),
    ],
    [
      'switchboard:upstream:queue-wait',
      (m) => {
        const e = m as QueueWaitEvent
        queueWait.observe({ connection: e.connection, lane: e.lane, granted: String(e.granted) }, e.waitMs / 1000)
        grants.inc({ connection: e.connection, lane: e.lane, party: e.party, granted: String(e.granted) })
      },
    ],
    ['switchboard:webhook:attempt', (m) => webhookAttempts.inc({ result: (m as WebhookAttemptEvent).result })],
    [
      'switchboard:upstream:breaker',
      (m) => breakerTransitions.inc({ connection: (m as BreakerEvent).connection, to: (m as BreakerEvent).to }),
    ],
  ]
  for (const [name, listener] of subscriptions) diagnostics.subscribe(name, listener)
  app.addHook('onClose', async () => {
    for (const [name, listener] of subscriptions) diagnostics.unsubscribe(name, listener)
  })

  app.addHook('onResponse', (request, reply, done) => {
    // Unmatched routes share one label, so scanners cannot blow up the label space.
    const route = request.routeOptions.url ?? 'unmatched'
    requestDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    )
    done()
  })

  app.get(
    '/metrics',
    {
      config: { public: true },
      schema: {
        operationId: 'getMetrics',
        summary: 'Prometheus metrics',
        description: 'Request, upstream, cache, rate-budget and circuit-breaker metrics in the Prometheus text format.',
        tags: ['Service'],
        security: [],
        querystring: Type.Object({}, { additionalProperties: false }),
        response: {
          200: {
            description: 'Metrics in the Prometheus text exposition format.',
            content: {
              'text/plain': {
                schema: Type.String({
                  examples: [
                    'switchboard_upstream_requests_total{connection="batchbook",source="batchbook",method="GET",status_code="200",outcome="ok"} 42',
                  ],
                }),
              },
            },
          },
          ...problemResponses(400),
        },
      },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  )
}

export default fp(metrics, { name: 'metrics' })

/** The operation queues (writes run later), per connection, as `/v1/sources` shows them. */
function registerOperationMetrics(app: FastifyInstance, registry: Registry): void {
  const store = app.store
  if (store === null) return
  const depths = () => (store.available ? store.operations.depths().catch(() => null) : Promise.resolve(null))
  new Gauge({
    name: 'switchboard_operations',
    help: 'Operations waiting (`queued`) or being run (`running`), by connection.',
    labelNames: ['connection', 'state'],
    registers: [registry],
    async collect() {
      const queues = await depths()
      if (queues === null) return
      for (const adapter of app.upstreams.all()) {
        const depth = queues.get(adapter.connection.name)
        this.set({ connection: adapter.connection.name, state: 'queued' }, depth?.queued ?? 0)
        this.set({ connection: adapter.connection.name, state: 'running' }, depth?.running ?? 0)
      }
    },
  })
  new Gauge({
    name: 'switchboard_operations_oldest_queued_seconds',
    help: 'How long the oldest waiting operation has waited, by connection (0: none waits).',
    labelNames: ['connection'],
    registers: [registry],
    async collect() {
      const queues = await depths()
      if (queues === null) return
      const now = store.clock.now()
      for (const adapter of app.upstreams.all()) {
        const oldest = queues.get(adapter.connection.name)?.oldestQueuedAtMs ?? null
        this.set({ connection: adapter.connection.name }, oldest === null ? 0 : Math.max(0, (now - oldest) / 1000))
      }
    },
  })
}

/** The store's sync, per connection, read from the same status `/v1/sources` shows. */
function registerSyncMetrics(app: FastifyInstance, registry: Registry): void {
  const store = app.store
  if (store === null) return
  const syncConfig = app.config.store.sync
  const each = async (set: (connection: string, status: SyncStatus) => void) => {
    for (const adapter of app.upstreams.all()) {
      set(
        adapter.connection.name,
        await syncStatus(store, adapter.connection.name, syncConfig, adapter.connection.rateLimit),
      )
    }
  }
  new Gauge({
    name: 'switchboard_sync_lag_seconds',
    help: 'Seconds since the store last matched the upstream, by connection (-1: never).',
    labelNames: ['connection'],
    registers: [registry],
    async collect() {
      await each((connection, status) => this.set({ connection }, status.lagSeconds ?? -1))
    },
  })
  new Gauge({
    name: 'switchboard_sync_state',
    help: 'The sync state of each connection: 1 for the state it is in.',
    labelNames: ['connection', 'state'],
    registers: [registry],
    async collect() {
      this.reset()
      await each((connection, status) => this.set({ connection, state: status.state }, 1))
    },
  })
  new Gauge({
    name: 'switchboard_sync_records',
    help: 'Records the store holds, by connection and kind.',
    labelNames: ['connection', 'kind'],
    registers: [registry],
    async collect() {
      await each((connection, status) => {
        this.set({ connection, kind: 'message' }, status.records.messages)
        this.set({ connection, kind: 'conversation' }, status.records.conversations)
      })
    },
  })
  new Gauge({
    name: 'switchboard_sync_upstream_calls',
    help: 'Upstream calls the sync has made, by connection (its share of the budget over time).',
    labelNames: ['connection'],
    registers: [registry],
    async collect() {
      await each((connection, status) => this.set({ connection }, status.upstreamCalls))
    },
  })
}

/** The outbox: deliveries waiting, how late the oldest is, and endpoints disabled. */
function registerWebhookMetrics(app: FastifyInstance, registry: Registry): void {
  const store = app.store
  if (store === null) return
  // While the store cannot be read, the gauges keep their last values (a scrape never fails).
  const stats = () => (store.available ? store.webhooks.stats().catch(() => null) : Promise.resolve(null))
  new Gauge({
    name: 'switchboard_webhook_pending',
    help: 'Webhook deliveries not yet made (waiting or between retries).',
    registers: [registry],
    async collect() {
      const now = await stats()
      if (now !== null) this.set(now.pending)
    },
  })
  new Gauge({
    name: 'switchboard_webhook_lag_seconds',
    help: 'How long the oldest pending webhook delivery has been due.',
    registers: [registry],
    async collect() {
      const now = await stats()
      if (now !== null) this.set(now.oldestDueMs / 1000)
    },
  })
  new Gauge({
    name: 'switchboard_webhook_endpoints_disabled',
    help: 'Webhook endpoints disabled (after repeated failed deliveries, or through the API).',
    registers: [registry],
    async collect() {
      const now = await stats()
      if (now !== null) this.set(now.disabled)
    },
  })
}

/** The store: whether requests can use it, and the writes' changes waiting for it. */
function registerStoreMetrics(app: FastifyInstance, registry: Registry): void {
  const store = app.store
  if (store === null) return
  new Gauge({
    name: 'switchboard_store_up',
    help: 'Whether the store (SQLite or PostgreSQL) can be used: 1, or 0 while it is unreachable.',
    registers: [registry],
    collect() {
      this.set(store.available ? 1 : 0)
    },
  })
  new Gauge({
    name: 'switchboard_store_journal_size',
    help: 'Changes of accepted writes waiting for the store to be reachable again.',
    registers: [registry],
    collect() {
      this.set(store.journal.size)
    },
  })
}
