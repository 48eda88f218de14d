/**
 * The upstream engine for one connection. Every call goes through here:
 *
 *   read:  cache (fresh → HIT) → coalesce with an identical call in flight → breaker → rate
 *          budget → transport → decode → cache; retried on connection failures and
 *          502/503/504 within the call's deadline; a stale entry answers when the upstream fails.
 *   write: breaker → rate budget → transport, once (never retried), then invalidation.
 *   download / upload: the same, streamed (never cached; an upload is never retried, a
 *          download only before its answer's headers arrived).
 *
 * Adapters describe what to send and how to decode it; nothing here knows either wire format.
 */
import type { Clock } from '../clock.js'
import type { ConnectionConfig } from '../config.js'
import { ProblemError, badUpstreamResponse, circuitOpen, overloaded } from '../errors.js'
import type { CircuitBreaker } from './breaker.js'
import type { Grant, RateScheduler } from './budget/scheduler.js'
import type { CallScope, ScopeOf } from './call-scope.js'
import type { CacheStore } from './cache/store.js'
import { retryAfterSeconds, statusFailure } from './failures.js'
import { type UseEvent, type WarningEvent, channels, publish } from './instrumentation.js'
import { type RetryPolicy, backoffDelay, isRetryable } from './retry.js'
import { LateSendError } from './send-by.js'
import type {
  StreamRequest,
  StreamedResponse,
  UpstreamRequest,
  UpstreamResponse,
  UpstreamTransport,
} from './transport.js'

/** How long a read stays fresh depends on what it is. */
export type CacheKind = 'record' | 'list'

export interface EngineSettings {
  clock: Clock
  /** Null disables caching (benchmarks of the miss path). */
  cache: { store: CacheStore; ttlMs: Record<CacheKind, number> } | null
  retry: RetryPolicy
  /** Who a call is for (lane, party, request); absent: every call is a client call of no party. */
  scope?: ScopeOf
}

export interface ReadOptions<T> {
  kind: CacheKind
  /** Records and lists this answer holds; writes that name one of them invalidate it. */
  tags: string[]
  /** Turns a 2xx answer into the value to cache (must be JSON-serialisable). */
  decode: (res: UpstreamResponse) => T
  /** Extracts the upstream's own message from a 422-style answer. */
  describe?: (res: UpstreamResponse) => string | undefined
  /**
   * Read the upstream now: no cache entry and no read already in flight answers it (the
   * read-back after a write, which must see that write). The answer is cached as usual.
   */
  fresh?: boolean
}

export interface DownloadOptions {
  describe?: (res: UpstreamResponse) => string | undefined
}

export interface WriteOptions {
  /** Tags of the records and lists this write may change. */
  invalidate: string[]
  describe?: (res: UpstreamResponse) => string | undefined
}

type Loaded<T> = { value: T; result: 'MISS' | 'STALE' }
type Report = (status: number | null, outcome: 'ok' | 'error' | 'failure') => void

/** How many times in a row a call may miss its grant's moment before it fails (see send-by.ts). */
const MAX_LATE_SENDS = 5

/** Failures for which a stale answer is better than none. */
const STALE_SERVABLE = new Set([
  'upstream_unavailable',
  'upstream_timeout',
  'circuit_open',
  'rate_limited',
  'upstream_bad_response',
])

export class UpstreamEngine {
  readonly connection: ConnectionConfig
  readonly scheduler: RateScheduler
  readonly breaker: CircuitBreaker
  readonly #transport: UpstreamTransport
  readonly #settings: EngineSettings
  /** Prefix of every cache key and tag: connection and credential, so nothing crosses them. */
  readonly #scope: string
  readonly #inflight = new Map<string, Promise<Loaded<unknown>>>()
  readonly #inflightFresh = new Map<string, Promise<Loaded<unknown>>>()
  /** The clock every call of this connection is timed by. */
  readonly clock: Clock

  constructor(
    connection: ConnectionConfig,
    parts: { transport: UpstreamTransport; scheduler: RateScheduler; breaker: CircuitBreaker; scope: string },
    settings: EngineSettings,
  ) {
    this.connection = connection
    this.#transport = parts.transport
    this.scheduler = parts.scheduler
    this.breaker = parts.breaker
    this.#scope = parts.scope
    this.#settings = settings
    this.clock = settings.clock
  }

  /** A cached, coalesced, retried read. `req.method` must be GET. */
  async read<T>(req: UpstreamRequest, options: ReadOptions<T>): Promise<T> {
    const key = `${this.#scope}|${req.method} ${this.#transport.target(req)}`
    if (options.fresh === true) return this.#freshRead(key, req, options)
    const joined = this.#inflight.get(key) as Promise<Loaded<T>> | undefined
    if (joined !== undefined) return this.#follow(joined)

    const cache = this.#settings.cache
    const cached = cache === null ? undefined : await cache.store.get<T>(key)
    if (cached !== undefined && this.clock.now() <= cached.freshUntil) {
      publish(channels.cache, { connection: this.connection.name, result: 'hit' })
      this.#use({ connection: this.connection.name, use: 'read', result: 'HIT' })
      return cached.value
    }
    // The cache lookup may have yielded: someone else may have started the same call meanwhile.
    const late = this.#inflight.get(key) as Promise<Loaded<T>> | undefined
    if (late !== undefined) return this.#follow(late)

    this.#beforeCall()
    const loading = this.#load(key, req, options, cached?.value, cached !== undefined)
    this.#inflight.set(key, loading)
    try {
      const loaded = await loading
      publish(channels.cache, {
        connection: this.connection.name,
        result: loaded.result === 'STALE' ? 'stale' : 'miss',
      })
      this.#use({ connection: this.connection.name, use: 'read', result: loaded.result })
      return loaded.value
    } finally {
      this.#inflight.delete(key)
    }
  }

  /**
   * A read that must see the upstream as it is now: the cache does not answer it, nor a read in
   * flight that began as an ordinary one. Fresh reads of the same thing in flight together
   * share one upstream call (fifty `no-cache` reads of one record are one read, and none of
   * them waits for budget of its own).
   */
  async #freshRead<T>(key: string, req: UpstreamRequest, options: ReadOptions<T>): Promise<T> {
    const joined = this.#inflightFresh.get(key) as Promise<Loaded<T>> | undefined
    if (joined !== undefined) return this.#follow(joined)
    this.#beforeCall()
    const loading = this.#load(key, req, options, undefined, false)
    this.#inflightFresh.set(key, loading)
    try {
      const loaded = await loading
      publish(channels.cache, { connection: this.connection.name, result: 'miss' })
      this.#use({ connection: this.connection.name, use: 'read', result: loaded.result })
      return loaded.value
    } finally {
      this.#inflightFresh.delete(key)
    }
  }

  /**
   * A write: sent once, never retried; invalidates its tags whatever the outcome. Once the
   * upstream accepted it, the rest of the request's calls go in the committed lane.
   */
  async write(req: UpstreamRequest, options: WriteOptions): Promise<UpstreamResponse> {
    this.#beforeCall()
    this.#use({ connection: this.connection.name, use: 'call' })
    try {
      const res = await this.#attempt(req, this.clock.now() + this.connection.timeoutMs, 1, (r) => r, options.describe)
      this.#settings.scope?.()?.committed?.()
      this.#use({ connection: this.connection.name, use: 'committed' })
      return res
    } finally {
      await this.#invalidate(options.invalidate)
    }
  }

  /**
   * Work of `calls` upstream calls is about to begin: refused now (429) if its calls could not
   * all be granted within the client's wait (see `RateScheduler.admitWork`).
   */
  async admitWork(calls: number): Promise<void> {
    this.#beforeCall()
    const scope = this.#settings.scope?.()
    await this.scheduler.admitWork(calls, {
      lane: scope?.lane ?? 'client',
      party: scope?.party,
      request: scope?.request,
    })
  }

  /** The request's accepted write goes on with `name` (named in its answer if it is still under way). */
  beginStep(name: string): void {
    this.#settings.scope?.()?.step?.(name)
  }

  /** The request's accepted write made a record, readable at this Switchboard path. */
  recordWritten(location: string): void {
    this.#settings.scope?.()?.written?.(location)
  }

  /**
   * A streamed download: breaker, budget and deadline as for reads, never cached. Failures
   * before the answer's headers (connection failures, 502/503/504) are retried like reads;
   * nothing has reached the caller then. Once the stream is handed over it is never retried.
   * The deadline bounds the wait for the headers; the body is paced by the pool's I/O timeouts.
   */
  async download(req: UpstreamRequest, options: DownloadOptions = {}): Promise<StreamedResponse> {
    this.#beforeCall()
    this.#use({ connection: this.connection.name, use: 'call' })
    const deadline = this.clock.now() + this.connection.timeoutMs
    const streamed: StreamRequest = { method: req.method, path: req.path, query: req.query, headers: req.headers }
    return this.#retrying(deadline, (attempt) =>
      this.#openStream(streamed, deadline, () => deadline - this.clock.now(), attempt, options.describe),
    )
  }

  /**
   * A streamed upload: sent once, never retried (its body cannot be replayed), then
   * invalidates its tags whatever the outcome. The rate-budget wait is bounded by the
   * connection's deadline; the answer must come within that deadline after the last byte.
   */
  async upload(req: StreamRequest, options: WriteOptions): Promise<UpstreamResponse> {
    this.#beforeCall()
    this.#use({ connection: this.connection.name, use: 'call' })
    try {
      const res = await this.#openStream(
        req,
        this.clock.now() + this.connection.timeoutMs,
        () => this.connection.timeoutMs,
        1,
        options.describe,
      )
      return { status: res.status, headers: res.headers, body: await this.#transport.readAll(res) }
    } finally {
      await this.#invalidate(options.invalidate)
    }
  }

  /** One streamed call: its answer's headers decide, its body goes to the caller unread. */
  #openStream(
    req: StreamRequest,
    admissionDeadline: number,
    answerTimeoutMs: () => number,
    attempt: number,
    describe?: (res: UpstreamResponse) => string | undefined,
  ): Promise<StreamedResponse> {
    return this.#call(req.method, admissionDeadline, attempt, {
      send: (_timeoutMs, sendBy) => this.#transport.openStream(req, answerTimeoutMs(), sendBy),
      resendable: req.body === undefined,
      sendFailed: (err, report) => {
        // A body source that failed (the caller's upload) says nothing about the upstream.
        if (err instanceof ProblemError && err.upstream !== undefined) this.#failed(report)
        else this.breaker.release()
      },
      accept: (res, report) => {
        this.breaker.success()
        report(res.status, 'ok')
        return res
      },
      // Error answers are small; read one (bounded) for the upstream's own explanation.
      errorAnswer: async (res) => ({
        status: res.status,
        headers: res.headers,
        body: await this.#transport.readAll(res).catch(() => Buffer.alloc(0)),
      }),
      describe,
    })
  }

  async #follow<T>(loading: Promise<Loaded<T>>): Promise<T> {
    publish(channels.cache, { connection: this.connection.name, result: 'coalesced' })
    const loaded = await loading
    this.#use({ connection: this.connection.name, use: 'read', result: loaded.result })
    return loaded.value
  }

  async #load<T>(
    key: string,
    req: UpstreamRequest,
    options: ReadOptions<T>,
    stale: T | undefined,
    hasStale: boolean,
  ): Promise<Loaded<T>> {
    try {
      const { value, bytes } = await this.#withRetries(req, options)
      const cache = this.#settings.cache
      if (cache !== null) {
        const now = this.clock.now()
        await cache.store.set(key, {
          value,
          // The bound counts the upstream bytes an entry was decoded from: known without
          // walking the decoded value.
          size: bytes,
          storedAt: now,
          freshUntil: now + cache.ttlMs[options.kind],
          tags: options.tags.map((tag) => this.#tag(tag)),
        })
      }
      return { value, result: 'MISS' }
    } catch (err) {
      // Gone upstream: what the cache holds of it (read before, maybe by another caller) is
      // no longer true, and must not answer a later read.
      if (err instanceof ProblemError && err.status === 404) await this.#invalidate(options.tags)
      if (hasStale && err instanceof ProblemError && STALE_SERVABLE.has(err.code))
        return { value: stale as T, result: 'STALE' }
      throw err
    }
  }

  async #withRetries<T>(req: UpstreamRequest, options: ReadOptions<T>): Promise<{ value: T; bytes: number }> {
    const deadline = this.clock.now() + this.connection.timeoutMs
    const decode = (res: UpstreamResponse) => ({ value: options.decode(res), bytes: res.body.length })
    return this.#retrying(deadline, (attempt) => this.#attempt(req, deadline, attempt, decode, options.describe))
  }

  /** Runs an idempotent call again after a retryable failure, with backoff, within the deadline. */
  async #retrying<T>(deadline: number, run: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run(attempt)
      } catch (err) {
        if (!(err instanceof ProblemError) || !isRetryable(err) || attempt >= this.#settings.retry.maxAttempts)
          throw err
        const delay = backoffDelay(this.#settings.retry, attempt)
        if (this.clock.now() + delay >= deadline) throw err
        await this.clock.sleep(delay)
      }
    }
  }

  /** One buffered call: the whole answer is read, and a 2xx one decoded. */
  #attempt<T>(
    req: UpstreamRequest,
    deadline: number,
    attempt: number,
    decode: (res: UpstreamResponse) => T,
    describe?: (res: UpstreamResponse) => string | undefined,
  ): Promise<T> {
    return this.#call(req.method, deadline, attempt, {
      send: (timeoutMs, sendBy) => this.#transport.send(req, timeoutMs, sendBy),
      resendable: true,
      sendFailed: (_err, report) => this.#failed(report),
      accept: (res, report) => {
        let value: T
        try {
          value = decode(res)
        } catch (err) {
          this.breaker.failure()
          report(res.status, 'failure')
          throw badUpstreamResponse(
            this.connection.name,
            this.connection.source,
            res.status,
            `sent a response that cannot be read: ${(err as Error).message}`,
            err,
          )
        }
        this.breaker.success()
        report(res.status, 'ok')
        return value
      },
      errorAnswer: async (res) => res,
      describe,
    })
  }

  /**
   * One upstream call, buffered or streamed, through the one verdict path: breaker and budget,
   * send, then the answer: the upstream's own over-limit answer pauses the connection, a 2xx
   * is accepted, anything else becomes the problem for its status.
   */
  async #call<R extends { status: number; headers: UpstreamResponse['headers'] }, T>(
    method: string,
    deadline: number,
    attempt: number,
    how: {
      send: (timeoutMs: number, sendBy: number) => Promise<R>
      /** Whether the request can be sent again when it missed its grant (not a streamed body). */
      resendable: boolean
      sendFailed: (err: unknown, report: Report) => void
      accept: (res: R, report: Report) => T
      errorAnswer: (res: R) => Promise<UpstreamResponse>
      describe: ((res: UpstreamResponse) => string | undefined) | undefined
    },
  ): Promise<T> {
    const scope = this.#settings.scope?.()
    // Before a write is admitted (so that nothing stands between its grant and its sending),
    // the layer above records that it is about to leave.
    if (method !== 'GET') await scope?.beforeWrite?.()
    let res: R
    let report: Report
    for (let late = 0; ; late++) {
      const { callDeadline, sendBy } = await this.#admit(deadline, scope, late > 0)
      // From here on a write may reach the upstream: a failure no longer proves nothing was written.
      if (method !== 'GET') this.#use({ connection: this.connection.name, use: 'write' })
      report = this.#reporter(method, attempt)
      scope?.calling?.(1)
      try {
        res = await how.send(callDeadline - this.clock.now(), sendBy)
        break
      } catch (err) {
        // Not sent: the grant passed before the request could leave (the event loop lagged).
        // Its unit is spent; the call asks the budget again (a streamed body cannot be sent
        // twice: that call fails, unsent).
        if (err instanceof LateSendError) {
          this.breaker.release()
          if (how.resendable && late < MAX_LATE_SENDS) continue
          throw overloaded('The gateway could not send the upstream call in time; nothing was sent, retry shortly', 1)
        }
        how.sendFailed(err, report)
        throw err
      } finally {
        scope?.calling?.(-1)
      }
    }
    await this.#honourRetryAfter(res)
    if (res.status >= 200 && res.status < 300) return how.accept(res, report)
    throw this.#rejected(await how.errorAnswer(res), report, how.describe)
  }

  /**
   * The breaker, then the rate budget in the request's lane: a client call waits at most until
   * `deadline`; committed and background work wait their turn however long, and then get the
   * whole call timeout. Returns the deadline of the call itself, and the moment by which it must
   * have left (its grant's, see send-by.ts).
   */
  async #admit(
    deadline: number,
    scope: CallScope | undefined,
    again = false,
  ): Promise<{ callDeadline: number; sendBy: number }> {
    const admission = this.breaker.admit()
    if (!admission.allowed) {
      throw circuitOpen(
        this.connection.name,
        this.connection.source,
        Math.max(1, Math.ceil(admission.retryAfterMs / 1000)),
      )
    }
    const lane = scope?.lane ?? 'client'
    let grant: Grant
    try {
      grant = await this.scheduler.acquire({
        lane,
        party: scope?.party,
        maxWaitMs: deadline - this.clock.now(),
        request: scope?.request,
        again,
      })
    } catch (err) {
      this.breaker.release()
      throw err
    }
    // A call that waited its turn without refusal (committed or background work, or the later
    // calls of a client request already under way) still gets the whole timeout once granted.
    return { callDeadline: Math.max(deadline, this.clock.now() + this.connection.timeoutMs), sendBy: grant.sendBy }
  }

  /** Reports one upstream attempt (for metrics and the request's log line) when it ends. */
  #reporter(method: string, attempt: number): Report {
    const started = this.clock.now()
    const scope = this.#settings.scope?.()
    return (status, outcome) => {
      const durationMs = this.clock.now() - started
      scope?.called?.(durationMs)
      publish(channels.upstreamCall, {
        connection: this.connection.name,
        source: this.connection.source,
        method,
        status,
        outcome,
        durationMs,
        attempt,
      })
    }
  }

  /** No usable answer came: the upstream is in trouble. */
  #failed(report: Report): void {
    this.breaker.failure()
    report(null, 'failure')
  }

  /** An upstream 429 or 503 with Retry-After pauses the whole connection that long. */
  async #honourRetryAfter(res: { status: number; headers: UpstreamResponse['headers'] }): Promise<void> {
    if (!isOverLimit(res) || res.headers['retry-after'] === undefined) return
    const seconds = retryAfterSeconds(res.headers['retry-after'], this.clock.now())
    if (seconds !== undefined) await this.scheduler.pause(seconds * 1000)
  }

  /**
   * The problem for a non-2xx answer. A 5xx says the upstream is in trouble; a 4xx proves it
   * alive; its own over-limit answer (429, or 503 with Retry-After) says neither: it pauses the
   * connection (see `#honourRetryAfter`) and never counts toward opening the circuit.
   */
  #rejected(
    res: UpstreamResponse,
    report: Report,
    describe?: (res: UpstreamResponse) => string | undefined,
  ): ProblemError {
    if (isOverLimit(res)) this.breaker.release()
    else if (res.status >= 500) this.breaker.failure()
    else this.breaker.success()
    report(res.status, 'error')
    return statusFailure(
      res.status,
      { source: this.connection.source, connection: this.connection.name },
      res.headers['retry-after'],
      describe?.(res),
      this.clock.now(),
    )
  }

  /** Even a failed or timed-out write may have reached the upstream: forget what it may have changed. */
  async #invalidate(tags: string[]): Promise<void> {
    if (this.#settings.cache === null || tags.length === 0) return
    await this.#settings.cache.store.invalidate(tags.map((tag) => this.#tag(tag)))
  }

  /** Lets the work's scope stop it before a call spends anything (see `CallScope.beforeCall`). */
  #beforeCall(): void {
    this.#settings.scope?.()?.beforeCall?.(this.connection.name)
  }

  /** Tells the work's scope what it did (see `UseEvent`), and whoever follows the channel. */
  #use(event: UseEvent): void {
    this.#settings.scope?.()?.used?.(event)
    publish(channels.use, event)
  }

  /** A step after the request's accepted write did not complete: its answer names it. */
  warn(warning: WarningEvent): void {
    this.#settings.scope?.()?.warn?.(warning)
    publish(channels.warning, warning)
  }

  #tag(tag: string): string {
    return `${this.#scope}#${tag}`
  }
}

/** The upstream's own "slow down": a 429, or a 503 that says when to come back. */
function isOverLimit(res: { status: number; headers: UpstreamResponse['headers'] }): boolean {
  return res.status === 429 || (res.status === 503 && res.headers['retry-after'] !== undefined)
}
