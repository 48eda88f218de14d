/**
 * The store keys records by connection name. A gateway started against another upstream under
 * the same name (another base URL) must not serve the first one's records as live: they are
 * dropped, with one warning, and the connection backfills from its new upstream.
 */
import { PassThrough } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { type RunningGateway, startGateway } from '../helpers/gateway.js'
import { waitForSync, walkMessages } from '../helpers/replica.js'
import { configOver, startSimulatedUpstreams } from '../helpers/simulated-upstreams.js'
import { STORE_KINDS, testDatabase } from '../helpers/stores.js'

const FAST = { batchbook: { max: 50, windowMs: 1_000 } }

describe.each(STORE_KINDS)('a store left from another upstream, on %s', (kind) => {
  const store = testDatabase(kind)
  afterAll(() => store.drop())

  it('is dropped and the connection backfills from its new upstream', async () => {
    const first = await startSimulatedUpstreams({ volume: { communications: 120 }, limits: FAST })
    let gateway: RunningGateway = await startGateway({ config: configOver(first, store) })
    await waitForSync(gateway.url, 'crm', (s) => s.backfilledAt !== null, 30_000)
    const before = await walkMessages(gateway.url, '/v1/messages?limit=100')
    await gateway.close()
    await first.close()

    const second = await startSimulatedUpstreams({ volume: { communications: 40 }, limits: FAST })
    second.batchbook.store.createCommunication({
      subject: 'Only the second upstream has this',
      body: 'x',
      ctype: 'Note',
    })
    const log = new PassThrough()
    let lines = ''
    log.on('data', (chunk: Buffer) => (lines += chunk.toString()))
    gateway = await startGateway({
      config: { ...configOver(second, store), logLevel: 'warn' },
      logStream: log,
    })
    try {
      await waitForSync(gateway.url, 'crm', (s) => s.backfilledAt !== null, 30_000)
      const after = await walkMessages(gateway.url, '/v1/messages?limit=100')
      expect(after).toHaveLength(second.batchbook.store.listCommunications().length)
      expect(after.length).toBeLessThan(before.length)
      expect(after.some((m) => m.subject === 'Only the second upstream has this')).toBe(true)
      const warnings = lines.split('\n').filter((l) => l.includes('records of another upstream'))
      expect(warnings).toHaveLength(1)
      expect(lines).not.toContain('simulated-batchbook-token')
    } finally {
      await gateway.close()
      await second.close()
    }
  }, 90_000)
})
