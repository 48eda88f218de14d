/**
 * Builds the whole gateway from options. `server.ts` and the tests build it the same way.
 */
import { randomUUID } from 'node:crypto'
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { destination } from 'pino'
import type { Config } from './config.js'
import auth, { mayUse } from './plugins/auth.js'
import gracefulClose from './plugins/graceful-close.js'
import httpCaching from './plugins/http-caching.js'
import idempotency from './plugins/idempotency.js'
import jsonBody from './plugins/json-body.js'
import writeDeadline from './plugins/write-deadline.js'
import loadShedding from './plugins/load-shedding.js'
import metrics from './plugins/metrics.js'
import openapi from './plugins/openapi.js'
import connections from './plugins/connections.js'
import problems, { clientErrorProblem, frameworkErrors } from './plugins/problems.js'
import rateHeaders from './plugins/rate-headers.js'
import { shareSerializers } from './plugins/shared-serializers.js'
import requestLog from './plugins/request-log.js'
import requestContext from './plugins/request-context.js'
import routes from './routes/index.js'
import { registerSchemas } from './schemas/index.js'
import { schemaController } from './validation.js'
import { createSharedState, type SharedState } from './upstreams/redis/index.js'
import { UpstreamRegistry, type Stores } from './upstreams/registry.js'
import { callScope } from './request-context.js'
import { type Store, openStore } from './store/index.js'
import records from './plugins/records.js'
import { createSyncRunner } from './sync/index.js'
import { StoreIdempotencyStore } from './store/idempotency.js'
import { forgetOtherUpstreams } from './sync/identity.js'
import { newHolder } from './store/holder.js'
import { EventRetention } from './events/retention.js'
import { startupSummary } from './startup-summary.js'
import { runInProcess } from './operations/run-in-process.js'
import { OperationRuns } from './operations/runs.js'
import { OperationWorker } from './operations/worker.js'
import operations from './plugins/operations.js'
import { operationView } from './records/operations.js'
import { WebhookDelivery } from './webhooks/delivery.js'
import { type Clock, realClock } from './clock.js'
import type { Dispatcher } from 'undici'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    upstreams: UpstreamRegistry
    /** Present when REDIS_URL is set. */
    shared: SharedState | null
    /** The synced replica; null when it is turned off (`REPLICA=false`). */
    store: Store | null
    /** The time everything in the gateway reads (see clock.ts). */
    clock: Clock
  }
}

export interface AppOptions {
  config: Config
  /** Connections that point at the built-in simulators (shown in `/v1/sources`). */
  sandboxConnections?: ReadonlySet<string>
  /** Shared stores (Redis); in-memory ones are used for any not given. */
  stores?: Partial<Stores>
  /** False for silence (tests). */
  logger?: false
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: NodeJS.WritableStream
  /** False: the store serves reads but this process does not sync (tests drive it). */
  sync?: boolean
  /** False: this process does not send webhooks. */
  deliver?: boolean
  /** False: this process does not run queued operations (tests drive them). */
  operate?: boolean
  /** The real clock unless given (tests pass a virtual one). */
  clock?: Clock
  /**
   * Dispatchers by upstream origin, used instead of sockets (tests hand requests to a
   * simulator in the same process).
   */
  dispatchers?: ReadonlyMap<string, Dispatcher>
}

/** Secrets that must never reach a log line, wherever they appear. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  // A queued operation's run token stands in for its key (see operations/runs.ts).
  'req.headers["x-switchboard-operation-run"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.credential',
  '*.secret',
  '*.token',
  '*.apiKey',
  '*.password',
]

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

function serverOptions(options: AppOptions): FastifyServerOptions {
  return {
    logger:
      options.logger === false
        ? false
        : {
            level: options.config.logLevel,
            redact: { paths: REDACT_PATHS, censor: '[redacted]' },
            // Asynchronous writes to stdout: lines written while one write is under way go out
            // together in the next, instead of one blocking system call per line (a line per
            // request). pino flushes what is left when the process exits.
            stream: options.logStream ?? destination({ dest: 1, sync: false }),
          },
    // A caller's X-Request-Id is kept when it is safe to echo and log; otherwise we mint one.
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    // Fastify's own two lines per request give way to one completion line with more in it.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    schemaController,
    // What Fastify or Node answer before any route runs (an over-long path parameter, an
    // undecodable URL, malformed HTTP, oversized headers) is a problem like any other error.
    frameworkErrors,
    clientErrorHandler: clientErrorProblem,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }
}

/** The gateway as a plugin: everything it serves, built from `options`. */
async function app(instance: FastifyInstance, options: AppOptions): Promise<void> {
  const { config } = options
  const clock = options.clock ?? realClock
  const holder = newHolder()
  const shared =
    options.stores === undefined && config.redisUrl !== null
      ? createSharedState({
          url: config.redisUrl,
          keyPrefix: config.redisKeyPrefix,
          replicas: config.replicas,
          replicaSlot: config.replicaSlot,
          failoverMs: config.failoverMs,
          clock,
          staleMs: config.cache.staleMs,
          onFailure: (what, err, level = 'warn') => instance.log[level]({ err }, `Redis unreachable: ${what}`),
        })
      : null
  if (shared !== null && !(await shared.ready))
    instance.log.warn('Redis is not reachable yet: using local fallbacks until it is')
  const store = config.store.enabled
    ? await openStore(config.store, {
        sandbox: config.sandbox,
        clock,
        onAvailability: (state, err) => {
          if (state === 'down')
            instance.log.error({ err }, 'the store is unreachable: serving degraded until it is back')
          else if (state === 'up') instance.log.info('the store is reachable')
        },
        onIdleError: (err) => instance.log.warn({ err }, 'a store connection was lost'),
        onJournalDropped: (what, err) =>
          instance.log.warn({ err }, `replica not updated after ${what}; the sync will catch up`),
      })
    : null
  // Without Redis, idempotency records live in the store: they survive a restart, and every
  // gateway on one PostgreSQL shares them. Without either, in this process only.
  const givenStores = options.stores ?? shared?.stores
  const stores =
    givenStores?.idempotency === undefined && store !== null
      ? { ...givenStores, idempotency: new StoreIdempotencyStore(store.db) }
      : givenStores
  const upstreams = new UpstreamRegistry(config, {
    scope: callScope,
    clock,
    ...(options.dispatchers === undefined ? {} : { dispatchers: options.dispatchers }),
    ...(stores === undefined ? {} : { stores }),
    ...(options.sandboxConnections === undefined ? {} : { sandboxConnections: options.sandboxConnections }),
  })
  if (store !== null && !store.available)
    instance.log.warn('the store is not reachable yet: starting degraded, connecting in the background')
  const upstreamChanged = (connection: string, was: string, now: string) =>
    instance.log.warn(
      { connection, was, now },
      'the store held records of another upstream for this connection: dropped, backfilling again',
    )
  if (store?.available === true) await forgetOtherUpstreams(store, config.connections, upstreamChanged)
  const runner =
    store === null || options.sync === false
      ? null
      : createSyncRunner(upstreams, store, config.store.sync, {
          alone: config.replicas === 1,
          holder,
          onFailing: (connection, err) =>
            instance.log.error({ err, connection }, 'replica sync is failing; retrying with backoff'),
          onRecovered: (connection, failures) => instance.log.info({ connection, failures }, 'replica sync recovered'),
          onUpstreamChanged: upstreamChanged,
        })
  const delivery =
    store === null || options.deliver === false
      ? null
      : new WebhookDelivery({
          store,
          config: config.events,
          // The same rule as a request's: a key deleted or narrowed since no longer receives.
          mayUse: (keyName, connection) => {
            const key = config.apiKeys.find((k) => k.name === keyName)
            const caller =
              key === undefined ? null : { name: key.name, connections: key.connections && new Set(key.connections) }
            return mayUse(caller, connection)
          },
          onError: (err) => instance.log.warn({ err }, 'webhook delivery round failed; retrying'),
          holder,
        })
  const retention =
    store === null
      ? null
      : new EventRetention({
          store,
          retentionMs: config.events.retentionMs,
          onError: (err) => instance.log.warn({ err }, 'removing old events failed; retrying within the hour'),
        })
  const runs = new OperationRuns()
  const worker =
    store === null || options.operate === false
      ? null
      : new OperationWorker({
          store,
          connections: config.connections.map((c) => c.name),
          holder,
          alone: config.replicas === 1,
          run: runInProcess(instance, runs),
          view: (operation) => operationView(operation),
          onAbandoned: (connection, count) =>
            instance.log.warn(
              { connection, count },
              'operations left running by a stopped gateway are now unknown (never sent again on their own)',
            ),
          onError: (err) => instance.log.warn({ err }, 'working the operation queue failed; retrying'),
        })
  instance.decorate('store', store)
  instance.addHook('onReady', async () => {
    for (const line of startupSummary(config, options.sandboxConnections ?? new Set()))
      instance.log.info(line.fields, line.message)
    runner?.start()
    delivery?.start()
    retention?.start()
    worker?.start()
  })
  instance.decorate('config', options.config)
  instance.decorate('upstreams', upstreams)
  instance.decorate('shared', shared)
  instance.decorate('clock', clock)
  instance.addHook('onClose', async () => {
    await runner?.stop()
    await worker?.stop()
    await delivery?.stop()
    await retention?.stop()
    await store?.close()
    await upstreams.close()
    await shared?.close()
  })
  instance.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })

  registerSchemas(instance)
  shareSerializers(instance)
  await instance.register(gracefulClose)
  await instance.register(requestContext)
  await instance.register(requestLog)
  await instance.register(problems)
  await instance.register(jsonBody)
  await instance.register(loadShedding, config.loadShedding)
  await instance.register(auth, { keys: options.config.apiKeys, runs })
  await instance.register(connections)
  await instance.register(writeDeadline, {
    maxWaitMs: config.upstream.maxQueueWaitMs,
    intervalOf: (connection) => upstreams.get(connection)?.engine.scheduler.intervalMs ?? 0,
  })
  await instance.register(idempotency, { store: upstreams.stores.idempotency, alone: config.replicas === 1, holder })
  await instance.register(httpCaching)
  await instance.register(rateHeaders)
  await instance.register(openapi)
  await instance.register(metrics)
  await instance.register(records)
  await instance.register(operations, { nudge: (connection) => worker?.nudge(connection) })
  await instance.register(routes)
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const instance = Fastify(serverOptions(options))
  await app(instance, options)
  await instance.ready()
  return instance
}
