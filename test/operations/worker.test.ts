/**
 * The operation worker over a real store on virtual time, with scripted runs: each outcome
 * lands in its state with its event, a run that wrote nothing and may work later goes back to
 * its place (holding back those after it), and a second gateway takes a queue over only once
 * the first's lease has expired, leaving what the first was running `unknown`.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  type OperationWorkerOptions,
  OperationWorker,
  type RunAnswer,
  retryDelay,
} from '../../src/operations/worker.js'
import { type Store, openStore } from '../../src/store/index.js'
import type { StoredOperation } from '../../src/store/operations.js'
import { testDatabase } from '../helpers/stores.js'
import { VirtualClock } from '../helpers/virtual-clock.js'

const BOUNDS = { perKey: 100, perConnection: 100 }

function answer(status: number, wrote = true): RunAnswer {
  return { status, result: status < 400 ? { id: 'msg_x' } : { code: 'x' }, location: null, calls: 1, wrote }
}

describe('the operation worker', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function setup() {
    const clock = new VirtualClock()
    clock.start()
    const database = testDatabase('sqlite')
    const store = await openStore(database.config, { clock })
    cleanups.push(
      () => database.drop(),
      () => store.close(),
      () => clock.stop(),
    )
    return { clock, store, database }
  }

  function worker(
    store: Store,
    run: (op: StoredOperation) => Promise<RunAnswer>,
    extra: Partial<OperationWorkerOptions> = {},
  ) {
    const w = new OperationWorker({
      store,
      connections: ['crm'],
      holder: 'gateway-a',
      alone: false,
      run,
      view: (op) => ({ id: op.id, state: op.state }),
      onAbandoned: () => undefined,
      onError: () => undefined,
      ...extra,
    })
    cleanups.push(() => w.stop())
    return w
  }

  async function queue(store: Store, n: number): Promise<string[]> {
    const ids: string[] = []
    for (let i = 0; i < n; i++) {
      const enqueued = await store.operations.enqueue(
        { connection: 'crm', keyName: 'k', method: 'POST', path: '/v1/messages', body: { i }, traceparent: null },
        BOUNDS,
      )
      if (!('queued' in enqueued)) throw new Error('queue full')
      ids.push(enqueued.queued.id)
    }
    return ids
  }

  const stateOf = async (store: Store, id: string) => (await store.operations.get(id, 'k'))?.state

  it('records each outcome in its state, in queue order, with its event', async () => {
    const { clock, store } = await setup()
    const ids = await queue(store, 4)
    const scripted = [answer(201), answer(422, false), answer(504, true), answer(200)]
    const order: number[] = []
    worker(store, async (op) => {
      order.push((op.body as { i: number }).i)
      return scripted[(op.body as { i: number }).i] as RunAnswer
    }).start()
    await clock.until(async () => (await stateOf(store, ids[3] as string)) === 'succeeded', 60_000)
    expect(order).toEqual([0, 1, 2, 3])
    expect(await Promise.all(ids.map((id) => stateOf(store, id)))).toEqual([
      'succeeded',
      'failed',
      'unknown',
      'succeeded',
    ])
    const events = await store.events.list({ afterSeq: 0, connections: ['crm'], keyName: 'k', limit: 10 })
    expect(events.map((e) => e.event.type)).toEqual([
      'operation.succeeded',
      'operation.failed',
      'operation.unknown',
      'operation.succeeded',
    ])
    // Another key sees none of them.
    expect(await store.events.list({ afterSeq: 0, connections: ['crm'], keyName: 'other', limit: 10 })).toEqual([])
  })

  it('runs again, after a backoff and before those behind it, one that wrote nothing and may work later', async () => {
    const { clock, store } = await setup()
    const ids = await queue(store, 2)
    const runs: Array<{ i: number; at: number }> = []
    let refusals = 2
    worker(store, async (op) => {
      const i = (op.body as { i: number }).i
      runs.push({ i, at: clock.now() })
      if (i === 0 && refusals-- > 0) return answer(503, false)
      return answer(201)
    }).start()
    await clock.until(async () => (await stateOf(store, ids[1] as string)) === 'succeeded', 120_000)
    expect(runs.map((r) => r.i)).toEqual([0, 0, 0, 1])
    const [first, second, third] = runs
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(retryDelay(1))
    expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(retryDelay(2))
    expect((await store.operations.get(ids[0] as string, 'k'))?.attempts).toBe(3)
  })

  it('records as unknown a run that threw, and never runs it again', async () => {
    const { clock, store } = await setup()
    const [id] = await queue(store, 1)
    let runs = 0
    worker(store, async () => {
      runs++
      throw new Error('the in-process request broke')
    }).start()
    await clock.until(async () => (await stateOf(store, id as string)) === 'unknown', 30_000)
    await clock.pass(60_000)
    expect(runs).toBe(1)
  })

  it('hands a queue over only when the holder’s lease expired, and leaves its running operation unknown', async () => {
    const { clock, store, database } = await setup()
    // Gateway A has a store connection of its own, so that it can die alone.
    const storeA = await openStore(database.config, { clock })
    const ids = await queue(store, 3)
    let release: (answer: RunAnswer) => void = () => undefined
    const a = worker(storeA, () => new Promise<RunAnswer>((resolve) => (release = resolve)))
    cleanups.push(async () => release(answer(201)))
    a.start()
    await clock.until(async () => (await stateOf(store, ids[0] as string)) === 'running', 10_000)
    const abandoned: number[] = []
    const ran: string[] = []
    worker(
      store,
      async (op) => {
        ran.push(op.id)
        return answer(201)
      },
      { holder: 'gateway-b', onAbandoned: (_c, n) => abandoned.push(n) },
    ).start()
    // A renews its lease while it runs: B waits, however long the run takes.
    await clock.pass(90_000)
    expect(ran).toEqual([])
    // A dies: its store connection is gone, its renewals fail, and its lease runs out; B looks
    // again within its idle poll (five minutes).
    await storeA.close()
    await clock.until(async () => (await stateOf(store, ids[2] as string)) === 'succeeded', 10 * 60_000)
    expect(ran).toEqual([ids[1], ids[2]])
    expect(await stateOf(store, ids[0] as string)).toBe('unknown')
    expect(abandoned).toEqual([1])
  })
})
