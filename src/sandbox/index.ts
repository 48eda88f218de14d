/**
 * Sandbox mode: both upstream simulators in-process on loopback with fresh random
 * credentials, and the connections that point the gateway at them.
 */
import type { Dispatcher } from 'undici'
import type { Clock } from '../clock.js'
import { InProcessDispatcher } from './frame/in-process.js'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { ConnectionConfig, RateLimit } from '../config.js'
import { DEFAULT_BATCHBOOK_LIMIT } from '../upstreams/batchbook/wire.js'
import { DEFAULT_SNAPPY_LIMIT, SNAPPY_API_PREFIX } from '../upstreams/snappy/wire.js'
import { type BatchBookSimulator, createBatchBookSimulator } from './batchbook/index.js'
import { listenOnLoopback } from './frame/server.js'
import { type SnappySimulator, createSnappySimulator } from './snappy/index.js'
import type { SandboxVolume } from './volume.js'

export type { SandboxVolume } from './volume.js'

export interface Sandbox {
  connections: ConnectionConfig[]
  batchbook: { simulator: BatchBookSimulator; origin: string }
  snappy: { simulator: SnappySimulator; origin: string }
  /** With `inProcess`: the dispatchers that reach the simulators, by origin (see AppOptions). */
  dispatchers: ReadonlyMap<string, Dispatcher>
  close(): Promise<void>
}

export interface SandboxOptions {
  timeoutMs: number
  /** Run the simulators without their rate limits (benchmarks). */
  unlimited?: boolean
  /** Other limits than the upstreams' documented ones, for simulator and gateway alike. */
  limits?: { batchbook?: RateLimit; snappy?: RateLimit }
  /** More data than the small seed, for tests and benchmarks at realistic sizes (see SandboxVolume). */
  volume?: SandboxVolume
  /** The simulators' time (the real clock unless given). */
  clock?: Clock
  /**
   * No sockets: the simulators answer through in-process dispatchers (tests on a virtual
   * clock). Their origins are placeholders on loopback that nothing listens on.
   */
  inProcess?: boolean
}

/** Where in-process simulators are said to be: loopback ports nothing listens on (1 and 2). */
const IN_PROCESS_ORIGINS = { batchbook: 'http://127.0.0.1:1', snappy: 'http://127.0.0.1:2' }

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const token = randomBytes(16).toString('hex')
  const key = randomBytes(32).toString('hex')
  const batchbookLimit = options.limits?.batchbook ?? DEFAULT_BATCHBOOK_LIMIT
  const snappyLimit = options.limits?.snappy ?? DEFAULT_SNAPPY_LIMIT
  const batchbook = createBatchBookSimulator({
    tokens: [token],
    limit: options.unlimited === true ? false : batchbookLimit,
    volume: options.volume,
    clock: options.clock,
  })
  const snappy = createSnappySimulator({
    keys: [key],
    limit: options.unlimited === true ? false : snappyLimit,
    volume: options.volume,
    clock: options.clock,
  })
  const inProcess = options.inProcess === true
  const [batchbookOrigin, snappyOrigin] = inProcess
    ? [IN_PROCESS_ORIGINS.batchbook, IN_PROCESS_ORIGINS.snappy]
    : await Promise.all([listenOnLoopback(batchbook.app), listenOnLoopback(snappy.app)])
  const dispatchers = new Map<string, Dispatcher>(
    inProcess
      ? [
          [batchbookOrigin, new InProcessDispatcher(batchbook.app)],
          [snappyOrigin, new InProcessDispatcher(snappy.app)],
        ]
      : [],
  )
  return {
    connections: [
      {
        name: 'batchbook',
        source: 'batchbook',
        baseUrl: batchbookOrigin,
        credential: token,
        rateLimit: batchbookLimit,
        timeoutMs: options.timeoutMs,
      },
      {
        name: 'snappy',
        source: 'snappy',
        baseUrl: `${snappyOrigin}${SNAPPY_API_PREFIX}`,
        credential: key,
        rateLimit: snappyLimit,
        timeoutMs: options.timeoutMs,
      },
    ],
    batchbook: { simulator: batchbook, origin: batchbookOrigin },
    dispatchers,
    snappy: { simulator: snappy, origin: snappyOrigin },
    async close() {
      await Promise.allSettled([batchbook.app.close(), snappy.close()])
    },
  }
}

const KEY_FILE = 'sandbox-api-key'
const DEV_KEY = /^sk_dev_[A-Za-z0-9_-]{24}$/

/**
 * The development key of sandbox mode when API_KEYS is not set: the one kept in `dataDir` from
 * an earlier start (so a browser or a script that kept it goes on working), or a new one, kept
 * there for the next start (readable by this user only). `reset` makes a new one.
 */
export function developmentKey(dataDir: string, reset = false): { name: string; secret: string } {
  const file = path.join(dataDir, KEY_FILE)
  if (!reset) {
    try {
      const kept = readFileSync(file, 'utf8').trim()
      if (DEV_KEY.test(kept)) return { name: 'dev', secret: kept }
    } catch {
      // None kept yet (or unreadable): a new one below.
    }
  }
  const secret = `sk_dev_${randomBytes(18).toString('base64url')}`
  try {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  } catch {
    // A read-only data directory: the key lasts this run only.
  }
  return { name: 'dev', secret }
}
