/**
 * Rate-limit headers on every answer that used an upstream connection, in two dialects:
 *
 * - GitHub's: `X-RateLimit-Limit`, `-Remaining`, `-Reset` (epoch seconds) and `-Resource` (the
 *   connection); when several connections answered, the one with the least budget left.
 * - The IETF's (draft-ietf-httpapi-ratelimit-headers): `RateLimit-Policy` names one policy per
 *   connection used, with its quota `q` and window `w` in seconds, and `RateLimit` gives each
 *   policy's remaining quota `r` and the seconds `t` until it is back (Structured Fields lists,
 *   the policy name a quoted string: connection names are safe to quote as they are).
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { currentContext } from '../request-context.js'
import type { BudgetStatus } from '../upstreams/budget/store.js'

interface Budget {
  name: string
  limit: number
  windowMs: number
  status: BudgetStatus
}

function setHeaders(reply: FastifyReply, budgets: Budget[], now: number): void {
  let tightest: Budget | undefined
  for (const b of budgets) {
    if (tightest === undefined || b.status.remaining / b.limit < tightest.status.remaining / tightest.limit)
      tightest = b
  }
  if (tightest === undefined) return
  reply.header('x-ratelimit-limit', String(tightest.limit))
  reply.header('x-ratelimit-remaining', String(tightest.status.remaining))
  reply.header('x-ratelimit-reset', String(Math.ceil((now + tightest.status.resetMs) / 1000)))
  reply.header('x-ratelimit-resource', tightest.name)
  const ordered = [...budgets].sort((a, b) => a.name.localeCompare(b.name))
  reply.header(
    'ratelimit-policy',
    ordered.map((b) => `"${b.name}";q=${b.limit};w=${Math.ceil(b.windowMs / 1000)}`).join(', '),
  )
  reply.header(
    'ratelimit',
    ordered.map((b) => `"${b.name}";r=${b.status.remaining};t=${Math.ceil(b.status.resetMs / 1000)}`).join(', '),
  )
}

async function rateHeaders(app: FastifyInstance): Promise<void> {
  // A callback hook: most answers reuse a recent status and need not wait for anything.
  app.addHook('onSend', (_request, reply, payload, done) => {
    const used = currentContext()?.connections
    if (used === undefined || used.size === 0) {
      done(null, payload)
      return
    }
    const budgets: Budget[] = []
    const pending: Array<Promise<Budget>> = []
    for (const name of used) {
      const adapter = app.upstreams.get(name)
      if (adapter === undefined) continue
      const { max: limit, windowMs } = adapter.connection.rateLimit
      const scheduler = adapter.engine.scheduler
      const recent = scheduler.recentStatus()
      if (recent !== null) budgets.push({ name, limit, windowMs, status: recent })
      else pending.push(scheduler.status().then((status) => ({ name, limit, windowMs, status })))
    }
    if (pending.length === 0) {
      setHeaders(reply, budgets, app.clock.now())
      done(null, payload)
      return
    }
    Promise.all(pending).then(
      (fetched) => {
        setHeaders(reply, budgets.concat(fetched), app.clock.now())
        done(null, payload)
      },
      (err: unknown) => done(err as Error),
    )
  })
}

export default fp(rateHeaders, { name: 'rate-headers', dependencies: ['request-context'] })
