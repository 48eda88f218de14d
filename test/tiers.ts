/**
 * Which tests need real time or real processes (the realtime tier, `npm run test:realtime`);
 * every other test runs on virtual time in `npm test`. One list, read by both vitest configs.
 */
export const REALTIME_TESTS = [
  // Gateways as processes of their own: kills, restarts, failover, shared Redis and PostgreSQL.
  'test/scale/**/*.test.ts',
  'test/server.test.ts',
  // The Dockerfile replayed (npm ci, build, start) and the docs page in a real browser.
  'test/dockerfile.test.ts',
  'test/browser/**/*.test.ts',
  // Redis keeps time by its own clock (TIME in its scripts, key expiry): real time only.
  'test/upstreams/redis/budget-store.test.ts',
  'test/upstreams/redis/cache-store.test.ts',
  'test/upstreams/redis/idempotency-store.test.ts',
  'test/upstreams/redis/replica-slots.test.ts',
  'test/upstreams/redis/gateway.test.ts',
  // A PostgreSQL held behind a partition: the statement deadlines are real time by design.
  'test/store/outage.test.ts',
  // What the event loop's own lag does (it is the process's real time).
  'test/plugins/load-shedding.test.ts',
  // Slow webhook receivers over real sockets, measured in real time.
  'test/webhooks/delivery.test.ts',
  // 50 MiB uploads and downloads streamed through real sockets.
  'test/sandbox/snappy/documents.test.ts',
]
