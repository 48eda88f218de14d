/**
 * Rate-limit headers on every answer that used an upstream connection, GitHub style:
 * `X-RateLimit-Limit`, `-Remaining`, `-Reset` (epoch seconds) and `-Resource` (the
 * connection). When several connections answered, the one with the least budget left is shown.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { currentContext } from '../request-context.js'
import type { BudgetStatus } from '../upstreams/budget/store.js'

interface Budget {
  name: string
  limit: number
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
      const limit = adapter.connection.rateLimit.max
      const scheduler = adapter.engine.scheduler
      const recent = scheduler.recentStatus()
      if (recent !== null) budgets.push({ name, limit, status: recent })
      else pending.push(scheduler.status().then((status) => ({ name, limit, status })))
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
