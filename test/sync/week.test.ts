/**
 * A week of one deployment's life, on virtual time: two gateways on one store and one shared
 * budget (Redis's part, played in-process), simulators at the documented limits holding 20,000
 * BatchBook communications and 3,000 open Snappy tickets (a tenth of them by default: see FULL). All week long the upstreams change
 * outside the gateway (additions, updates, deletions) and now and then answer 5xx and
 * over-limit; the shared budget goes away for ten minutes; the sync holder is killed (SIGKILL:
 * it does nothing more, its lease stays held) and started again; the other gateway restarts.
 *
 * At the end: the replica equals the simulators' data, every outside change gave exactly one
 * event and one delivery to the subscribed endpoint, no limit was exceeded at any moment (each
 * call's instant is recorded where it leaves), and the sync kept to its share of the budget.
 */
import { cuttable } from '../helpers/cuttable.js'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { Dispatcher } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { encodeId } from '../../src/ids.js'
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js'
import { MemoryBudgetStore } from '../../src/upstreams/budget/memory-store.js'
import { MemoryIdempotencyStore } from '../../src/upstreams/idempotency/memory-store.js'
import { FallbackBudgetStore } from '../../src/upstreams/redis/fallback.js'
import { TEST_KEY, testConfig } from '../helpers/gateway.js'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js'
import { ProcessClock, VirtualClock } from '../helpers/virtual-clock.js'
import { leaseHolder } from '../helpers/leases.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/**
 * The volume: 20,000 communications and 3,000 tickets (`WEEK_VOLUME=full`) take about ten
 * minutes of one core (the participants of 20,000 communications alone are 20,000 calls, and
 * fill for eleven hours of the week), more than the whole default suite may take, so it lives
 * the same week with a tenth of them.
 */
const FULL = process.env.WEEK_VOLUME === 'full'
const COMMUNICATIONS = FULL ? 20_000 : 2_000
const TICKETS = FULL ? 3_000 : 300
/** The run's own bound on this machine's time (the full volume takes about ten minutes of one core). */
const TEST_TIMEOUT_MS = FULL ? 2 * 3_600_000 : 600_000
/** The sync may use half of each budget; clients the rest. */
const BUDGET_SHARE = 0.5

/** Every call that left a gateway for an upstream, with its instant (where a pool would write it). */
const sent: Record<'batchbook' | 'snappy', number[]> = { batchbook: [], snappy: [] }

/** A dispatcher that records each call as it leaves, and refuses everything once its process is dead. */
class Recorded extends Dispatcher {
  dead = false
  constructor(
    readonly inner: Dispatcher,
    readonly source: 'batchbook' | 'snappy',
    readonly clock: ProcessClock,
  ) {
    super()
  }
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.dead) throw new Error('this process is dead')
    const onRequestStart = (controller: Dispatcher.DispatchController, context: unknown) => {
      handler.onRequestStart?.(controller, context)
      // A late call is aborted unsent by the grant check (send-by.ts): only what leaves counts.
      if (!controller.aborted) sent[this.source].push(this.clock.now())
    }
    const recording = new Proxy(handler, {
      get(target, name) {
        if (name === 'onRequestStart') return onRequestStart
        const value = Reflect.get(target, name) as unknown
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
      },
    })
    return this.inner.dispatch(options, recording)
  }
}

interface Gateway {
  name: string
  app: FastifyInstance
  clock: ProcessClock
  dispatchers: Recorded[]
}

let clock: VirtualClock
let sandbox: Sandbox
let receiver: WebhookReceiver
let dataDir: string
let config: Config
const shared = { budget: cuttable(new MemoryBudgetStore(() => clock.now())), idempotency: new MemoryIdempotencyStore() }
const gateways: Gateway[] = []

async function startGateway(name: string, slot: number): Promise<Gateway> {
  const own = new ProcessClock(clock)
  const dispatchers = [...sandbox.dispatchers].map(
    ([origin, d]) =>
      [origin, new Recorded(d, origin === sandbox.batchbook.origin ? 'batchbook' : 'snappy', own)] as const,
  )
  const budget = new FallbackBudgetStore(shared.budget.store, {
    replicas: 2,
    slots: { slot, heardAt: 0, absent: () => new Set() },
    onFailure: () => undefined,
    now: () => own.now(),
  })
  const app = await buildApp({
    config,
    logger: false,
    clock: own,
    dispatchers: new Map(dispatchers),
    stores: { budget, idempotency: shared.idempotency },
  })
  const gateway = { name, app, clock: own, dispatchers: dispatchers.map(([, d]) => d) }
  gateways.push(gateway)
  return gateway
}

/** SIGKILL: no timer of it fires again, no call leaves it, its store handle is gone. */
async function kill(gateway: Gateway): Promise<void> {
  gateway.clock.kill()
  for (const d of gateway.dispatchers) d.dead = true
  gateways.splice(gateways.indexOf(gateway), 1)
}

const api = (gateway: Gateway, method: string, url: string, body?: unknown) =>
  gateway.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${TEST_KEY}` },
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  })

/** A tiny deterministic generator: the same week every run. */
function prng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const messageOf = (connection: string, source: 'batchbook' | 'snappy', ...parts: string[]) =>
  encodeId('message', { source, connection, parts })

beforeAll(async () => {
  clock = new VirtualClock()
  clock.start()
  dataDir = mkdtempSync(join(tmpdir(), 'switchboard-week-'))
  sandbox = await startSandbox({
    timeoutMs: 10_000,
    clock,
    inProcess: true,
    volume: { communications: COMMUNICATIONS, tickets: TICKETS },
  })
  const base = testConfig()
  config = testConfig({
    connections: sandbox.connections,
    replicas: 2,
    store: {
      ...base.store,
      enabled: true,
      dataDir,
      sync: {
        ...base.store.sync,
        // Operators may poll less often than the default; 15 minutes still makes 672 passes a week.
        pollMs: { batchbook: 15 * MINUTE, snappy: 15 * MINUTE },
        reconcileMs: 6 * HOUR,
        budgetShare: BUDGET_SHARE,
      },
    },
  })
  config.events.retentionMs = 30 * DAY
  // Each idle look for deliveries is a query: twice a second, two gateways, a week, add up.
  config.events.webhooks.pollMs = 10_000
  config.events.webhooks.allowPrivateNetworks = true
  receiver = await startWebhookReceiver(clock)
}, 60_000)

afterAll(async () => {
  for (const g of gateways) await g.app.close()
  await receiver?.close()
  await sandbox?.close()
  await clock?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('a week of one deployment', () => {
  it(
    'ends with the replica equal to the upstreams, one event and one delivery per change, and no limit exceeded',
    async () => {
      const start = clock.now()
      // Lets the deployment live until `ms` after the start.
      const at = (ms: number) => clock.pass(Math.max(0, start + ms - clock.now()))
      const progress = setInterval(
        () =>
          process.stderr.write(
            `virtual ${((clock.now() - start) / HOUR).toFixed(1)} h, ${clock.fired} timers, ${clock.pending} pending\n`,
          ),
        5_000,
      )
      let a = await startGateway('a', 0)

      // The backfill (and the participants after it) on both connections.
      const synced = async (done: (s: { backfilledAt: string | null; participantsComplete: boolean }) => boolean) => {
        const res = await api(a, 'GET', '/v1/sources')
        const sources = res.json<{ data: Array<{ name: string; sync: Parameters<typeof done>[0] | null }> }>().data
        return sources.every((s) => s.sync !== null && done(s.sync))
      }
      await clock.until(() => synced((s) => s.backfilledAt !== null), 2 * HOUR, 'the backfill', MINUTE)
      const backfilledAfter = clock.now() - start
      let b = await startGateway('b', 1)
      const endpoint = await api(a, 'POST', '/v1/webhook-endpoints', { url: receiver.url, eventTypes: ['*'] })
      expect(endpoint.statusCode).toBe(201)
      receiver.secret = endpoint.json<{ secret: string }>().secret

      // Outside changes every 15 minutes, each to a record no other change touched: one event each.
      const random = prng(7)
      const bb = sandbox.batchbook.simulator.store
      const tickets = sandbox.snappy.simulator.store.tickets
      const touched = new Set<string>()
      const expected: Array<{ type: string; recordId: string }> = []
      const untouched = <T extends { id: number }>(list: T[], kind: string) => {
        for (;;) {
          const pick = list[Math.floor(random() * list.length)] as T
          if (!touched.has(`${kind}:${pick.id}`)) {
            touched.add(`${kind}:${pick.id}`)
            return pick
          }
        }
      }
      const change = () => {
        const roll = random()
        if (roll < 0.3) {
          const created = bb.createCommunication({
            subject: `Call ${expected.length}`,
            body: 'Outside',
            ctype: 'Phone',
          })
          touched.add(`comm:${created.id}`)
          expected.push({ type: 'message.created', recordId: messageOf('batchbook', 'batchbook', String(created.id)) })
        } else if (roll < 0.5) {
          const target = untouched(bb.listCommunications(), 'comm')
          bb.updateCommunication(target.id, { subject: `${target.subject} (edited)` })
          expected.push({ type: 'message.updated', recordId: messageOf('batchbook', 'batchbook', String(target.id)) })
        } else if (roll < 0.65) {
          const target = untouched(bb.listCommunications(), 'comm')
          bb.deleteCommunication(target.id)
          expected.push({ type: 'message.deleted', recordId: messageOf('batchbook', 'batchbook', String(target.id)) })
        } else {
          const waiting = tickets.tickets.filter((t) => t.status === 'waiting')
          const ticket = untouched(waiting, 'ticket')
          const note = tickets.addNote({ ticketId: ticket.id, content: `Any news? (${expected.length})` })
          expected.push({
            type: 'message.created',
            recordId: messageOf('snappy', 'snappy', String(ticket.id), String(note.id)),
          })
        }
      }
      // Bursts of upstream failures and over-limit answers, every six hours.
      const burst = () => {
        sandbox.batchbook.simulator.faults.inject({ type: 'status', status: 500, times: 3 })
        sandbox.batchbook.simulator.faults.inject({ type: 'status', status: 503, retryAfter: 5, times: 2 })
        sandbox.snappy.simulator.faults.inject({ type: 'status', status: 502, times: 3 })
        sandbox.snappy.simulator.faults.inject({ type: 'status', status: 429, retryAfter: 10, times: 2 })
      }

      const week: Array<{ at: number; what: () => Promise<void> | void }> = []
      for (let t = 15 * MINUTE; t < 7 * DAY - 6 * HOUR; t += 15 * MINUTE) week.push({ at: t, what: change })
      for (let t = 6 * HOUR; t < 7 * DAY; t += 6 * HOUR) week.push({ at: t + 7 * MINUTE, what: burst })
      week.push({ at: DAY + 12 * HOUR, what: () => void shared.budget.cut() })
      week.push({ at: DAY + 12 * HOUR + 10 * MINUTE, what: () => void shared.budget.restore() })
      // Day 2: the gateway holding the BatchBook sync is killed; day 3 it starts again.
      let killed = ''
      week.push({
        at: 2 * DAY,
        what: async () => {
          // The first gateway took both leases before the second started, and keeps them renewed.
          const holders = await Promise.all(['batchbook', 'snappy'].map((c) => leaseHolder(a.app.store!, c)))
          expect(holders.every((h) => h !== null)).toBe(true)
          killed = a.name
          await kill(a)
          a = b
        },
      })
      week.push({ at: 3 * DAY, what: async () => void (b = await startGateway('a2', 0)) })
      // Day 4: the other gateway restarts, gracefully.
      week.push({
        at: 4 * DAY,
        what: async () => {
          const leaving = gateways.find((g) => g !== b) as Gateway
          gateways.splice(gateways.indexOf(leaving), 1)
          await leaving.app.close()
          a = await startGateway('b2', 1)
        },
      })
      week.sort((x, y) => x.at - y.at)
      for (const step of week) {
        await at(step.at)
        await step.what()
      }
      expect(killed).not.toBe('')

      // A last poll, and a reconcile walk for the deletions of the last hours.
      await at(7 * DAY + 7 * HOUR)
      const store = a.app.store!

      // Both syncs are live, none failing after a week of passes.
      const failing = (await store.states.all()).filter((state) => state.lastError !== null)
      expect(failing.map((state) => `${state.connection}: ${state.lastError}`)).toEqual([])

      // The replica equals the upstreams: BatchBook whole, Snappy's queued tickets.
      const stored = await store.db.db
        .selectFrom('messages')
        .select(['remote_id', 'doc'])
        .where('connection', '=', 'batchbook')
        .execute()
      const upstream = bb.listCommunications()
      expect(stored.length).toBe(upstream.length)
      const subjects = new Map(stored.map((m) => [m.remote_id, (JSON.parse(m.doc) as { subject: string }).subject]))
      expect(upstream.filter((c) => subjects.get(String(c.id)) !== c.subject).map((c) => c.id)).toEqual([])
      const waiting = tickets.tickets.filter((t) => t.status === 'waiting').map((t) => String(t.id))
      const queued = await store.db.db
        .selectFrom('conversations')
        .select('remote_id')
        .where('connection', '=', 'snappy')
        .where('in_waiting', '=', 1)
        .execute()
      expect(new Set(queued.map((c) => c.remote_id))).toEqual(new Set(waiting))

      // Every outside change: exactly one event, and exactly one delivery of it.
      const events = await store.db.db.selectFrom('events').select(['id', 'type', 'record_id']).execute()
      const count = (e: { type: string; recordId: string }) =>
        events.filter((v) => v.type === e.type && v.record_id === e.recordId).length
      const wrong = expected.filter((e) => count(e) !== 1)
      const sample = (type: string) => events.find((v) => v.type === type)?.record_id
      expect(
        wrong.map((e) => ({ ...e, events: count(e) })),
        `of ${expected.length}; e.g. ${sample('message.created')}, ${sample('message.updated')}, ${sample('message.deleted')}; ${events.length} events`,
      ).toEqual([])
      await clock.until(() => receiver.unique().length >= events.length, HOUR, 'every delivery', MINUTE)
      clearInterval(progress)
      const deliveries = new Map<string, number>()
      for (const r of receiver.received) if (r.verified) deliveries.set(r.id, (deliveries.get(r.id) ?? 0) + 1)
      expect([...deliveries.values()].filter((n) => n !== 1)).toEqual([])

      // No limit exceeded, at any moment of the week: BatchBook's calls a second apart, Snappy's
      // never more than 200 in any 60 s.
      expect(sandbox.batchbook.simulator.stats.limitViolations + sandbox.snappy.simulator.stats.limitViolations).toBe(0)
      const gaps = sent.batchbook.slice(1).map((t, i) => t - (sent.batchbook[i] as number))
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000)
      let first = 0
      for (let i = 0; i < sent.snappy.length; i++) {
        while ((sent.snappy[i] as number) - (sent.snappy[first] as number) >= MINUTE) first++
        expect(i - first + 1).toBeLessThanOrEqual(200)
      }
      // The sync kept to its share: in any hour, at most half of BatchBook's 3,600 calls.
      const perHour = new Map<number, number>()
      for (const t of sent.batchbook)
        perHour.set(Math.floor((t - start) / HOUR), (perHour.get(Math.floor((t - start) / HOUR)) ?? 0) + 1)
      expect(Math.max(...perHour.values())).toBeLessThanOrEqual(BUDGET_SHARE * 3_600 + 1)
      // The backfill of 200 pages and 3,000 tickets' notes needs under two hours at that share.
      expect(backfilledAfter).toBeLessThan(2 * HOUR)
    },
    TEST_TIMEOUT_MS,
  )
})
