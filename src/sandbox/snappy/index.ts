/**
 * The Snappy sandbox: a local stand-in for `https://app.besnappy.com/api/v1/` that answers
 * every documented endpoint with the wire shapes of recorded traffic, built on the shared
 * simulator frame (Basic auth, 200 requests per rolling minute per key, fault injection,
 * stats and the `/__sandbox` control API).
 */
import { type Clock, realClock } from '../../clock.js'
import multipart from '@fastify/multipart'
import { createSimulatorFrame, type SimulatorFrame } from '../frame/server.js'
import type { RollingWindowLimit } from '../frame/rolling-window.js'
import { DEFAULT_SNAPPY_LIMIT, SNAPPY_API_PREFIX } from '../../upstreams/snappy/wire.js'
import { resolveVolume, type SandboxVolume } from '../volume.js'
import { installErrorHandling, sendUnauthorized } from './errors.js'
import { installBodyParsers, installJsonContentType } from './http.js'
import { registerSnappyRoutes } from './routes/index.js'
import { seedStore } from './seed/index.js'
import { seedVolume } from './seed/volume.js'
import { SnappyStore } from './store/index.js'

export interface SnappySimulatorOptions {
  /** API keys accepted as the Basic user name (any password). Each key acts as one staff member (the first seeded staff of the first account unless mapped). */
  keys: string[]
  /** Default the documented limit (DEFAULT_SNAPPY_LIMIT, 200 a minute) per key; false = unlimited (benchmarks). */
  limit?: RollingWindowLimit | false
  /** Load the realistic seed data (default true). */
  seed?: boolean
  /**
   * Generate more open tickets on top of the seed (only `tickets`, `notesPerTicket` and
   * `asOf` apply here). Needs the seed.
   */
  volume?: SandboxVolume
  /** Where uploaded document bytes are kept; default a fresh directory under os.tmpdir(). Files are streamed to and from disk, never held whole in memory (50 MiB uploads must keep memory flat). */
  storageDir?: string
  /** The time of its limiter, request log and records (the real clock unless given). */
  clock?: Clock
}

export interface SnappySimulator extends SimulatorFrame {
  store: SnappyStore
  /** Closes the app and removes its temporary storage. */
  close(): Promise<void>
}

/** Largest accepted document upload. */
const SNAPPY_MAX_UPLOAD_BYTES = 512 * 1024 * 1024

export function createSnappySimulator(options: SnappySimulatorOptions): SnappySimulator {
  const clock = options.clock ?? realClock
  const now = () => clock.now()
  const store = new SnappyStore({ storageDir: options.storageDir, now, io: (work) => clock.io(work) })
  if (options.seed !== false) seedStore(store)
  if (options.volume !== undefined) {
    if (options.seed === false) throw new RangeError('volume needs the seed data (its accounts, mailboxes and staff)')
    seedVolume(store, resolveVolume(options.volume, now))
  }
  const keys = new Set(options.keys)

  const frame = createSimulatorFrame({
    name: 'snappy',
    authenticate: (user) => (keys.has(user) ? user : null),
    limit: options.limit ?? DEFAULT_SNAPPY_LIMIT,
    limitedStatus: 429,
    contentType: 'application/json',
    resetPreamble:
      '[{"id":268401,"account_id":3249,"mailbox_id":3642,"created_via":"email","last_reply_by":"customer",',
    unauthorized: sendUnauthorized,
    fastify: {
      routerOptions: { ignoreTrailingSlash: true },
      // A streamed download can still be finishing server-side when its client has read the
      // last byte; closing only idle connections would then wait out the keep-alive timeout.
      forceCloseConnections: true,
    },
    clock,
  })
  const { app } = frame
  installBodyParsers(app)
  installJsonContentType(app)
  installErrorHandling(app)
  app.register(multipart, { limits: { fileSize: SNAPPY_MAX_UPLOAD_BYTES, files: 4, fields: 16 } })
  app.register(async (api) => registerSnappyRoutes(api, { store }), { prefix: SNAPPY_API_PREFIX })

  return {
    ...frame,
    store,
    async close() {
      await app.close()
      await store.files.destroy()
    },
  }
}

export { SnappyStore } from './store/index.js'
export type * from './store/index.js'
