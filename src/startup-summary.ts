/**
 * What an operator wants to see when a gateway starts: its version, each connection (source,
 * where it points, its rate limit), the store and Redis, one log line each. Never a secret:
 * URLs are shown as their origin (a password in `DATABASE_URL` or `REDIS_URL` stays out), and
 * upstream credentials are not named at all.
 */
import type { Config } from './config.js'
import { VERSION } from './version.js'

interface SummaryLine {
  message: string
  fields: Record<string, unknown>
}

/** `scheme://host:port` of a URL, without credentials, path or query. */
function originOf(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}`
  } catch {
    return '(not a URL)'
  }
}

export function startupSummary(config: Config, sandboxConnections: ReadonlySet<string>): SummaryLine[] {
  const lines: SummaryLine[] = [
    {
      message: `Switchboard ${VERSION} on Node.js ${process.versions.node}`,
      fields: { version: VERSION, node: process.versions.node, sandbox: config.sandbox, replicas: config.replicas },
    },
  ]
  for (const c of config.connections) {
    lines.push({
      message: `connection ${c.name}: ${c.source} at ${originOf(c.baseUrl)}, ${c.rateLimit.max} calls per ${c.rateLimit.windowMs / 1000} s${sandboxConnections.has(c.name) ? ' (sandbox simulator)' : ''}`,
      fields: { connection: c.name, source: c.source, origin: originOf(c.baseUrl), rateLimit: c.rateLimit },
    })
  }
  const { store } = config
  lines.push(
    !store.enabled
      ? { message: 'store: off (REPLICA=false): every read goes to the upstreams', fields: { store: 'off' } }
      : store.databaseUrl === null
        ? {
            message: `store: embedded SQLite under ${store.dataDir}`,
            fields: { store: 'sqlite', dataDir: store.dataDir },
          }
        : {
            message: `store: PostgreSQL at ${originOf(store.databaseUrl)}, schema ${store.databaseSchema}`,
            fields: { store: 'postgres', origin: originOf(store.databaseUrl), schema: store.databaseSchema },
          },
  )
  lines.push(
    config.redisUrl === null
      ? { message: 'Redis: none; budgets, cache and idempotency live in this process', fields: { redis: 'none' } }
      : { message: `Redis at ${originOf(config.redisUrl)}`, fields: { redis: originOf(config.redisUrl) } },
  )
  return lines
}
