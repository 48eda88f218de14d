/**
 * A sync runs for weeks: what it does every twentieth pass, or once an hour, must hold as well
 * as its first pass. Here both syncs run a hundred passes and more in seconds (short poll
 * intervals, simulators at generous limits: this file is about passes, not limits), on both
 * stores, and must still be live at the end with nothing failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningGateway, startGateway, testConfig } from '../helpers/gateway.js'
import { until } from '../helpers/replica.js'
import { STORE_KINDS, type TestDatabase, testDatabase } from '../helpers/stores.js'
import { DIRECTORY_EVERY } from '../../src/sync/snappy.js'

const PASSES = 100
const LIMITS = { batchbook: { max: 1_000, windowMs: 1_000 }, snappy: { max: 60_000, windowMs: 60_000 } }

describe.each(STORE_KINDS)('the syncs after many passes on %s', (kind) => {
  let store: TestDatabase
  let gateway: RunningGateway

  beforeAll(async () => {
    store = testDatabase(kind, { pollMs: { batchbook: 10, snappy: 10 }, reconcileMs: 50 })
    gateway = await startGateway({ config: testConfig({ store: store.config }), withSandbox: true, limits: LIMITS })
  }, 30_000)
  afterAll(async () => {
    await gateway.close()
    await store.drop()
  })

  const stateOf = async (connection: string) => gateway.app.store?.states.get(connection)

  /** Waits for `done`, failing at once when the sync stays failing (it never recovers by waiting). */
  async function untilPasses(connection: string, done: () => Promise<boolean> | boolean, what: string) {
    let failingSince: number | null = null
    await until(
      async () => {
        const state = await stateOf(connection)
        if (state?.lastError == null) failingSince = null
        else if ((failingSince ??= gateway.app.clock.now()) < gateway.app.clock.now() - 5_000)
          throw new Error(`the ${connection} sync keeps failing: ${state.lastError}`)
        return done()
      },
      120_000,
      what,
      gateway.clock,
    )
  }

  it(`keeps Snappy live for ${PASSES} passes, the directory read again every ${DIRECTORY_EVERY}`, async () => {
    const sim = gateway.sandbox?.snappy.simulator
    const passes = async () => ((await stateOf('snappy'))?.checkpoint as { passes?: number } | undefined)?.passes ?? 0
    await untilPasses('snappy', async () => (await passes()) > PASSES, `${PASSES} Snappy passes`)
    const state = await stateOf('snappy')
    expect(state?.phase).toBe('live')
    expect(state?.lastError).toBeNull()
    // The accounts were listed on the first pass and again every twentieth one.
    const accountLists = [...(sim?.stats.byRoute ?? [])]
      .filter(([route]) => /^GET \S*\/accounts\/?$/.test(route))
      .reduce((sum, [, n]) => sum + n, 0)
    expect(accountLists, JSON.stringify([...(sim?.stats.byRoute ?? [])])).toBeGreaterThanOrEqual(
      Math.floor(PASSES / DIRECTORY_EVERY),
    )
    const sources = await gateway.app.inject({ url: '/readyz' })
    expect(sources.json()).toMatchObject({ status: 'ready' })
  }, 130_000)

  it(`keeps BatchBook live through ${PASSES} polls and reconcile passes`, async () => {
    const sim = gateway.sandbox?.batchbook.simulator
    // Every poll and every page of a reconcile walk is one list call.
    const lists = () => sim?.stats.count('GET /service/communications.xml') ?? 0
    await untilPasses('batchbook', () => lists() > 2 * PASSES, `${PASSES} BatchBook polls and walks`)
    const state = await stateOf('batchbook')
    expect(state?.phase).toBe('live')
    expect(state?.lastError).toBeNull()
    expect((state?.checkpoint as { report?: { reconciledAt?: string } }).report?.reconciledAt).toBeDefined()
  }, 130_000)
})
