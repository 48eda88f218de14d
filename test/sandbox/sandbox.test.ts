import { afterEach, describe, expect, it } from 'vitest'
import { type Sandbox, type SandboxVolume, startSandbox } from '../../src/sandbox/index.js'

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.close()
  sandbox = undefined
})

describe('sandbox volume', () => {
  it('hands the volume to both simulators', async () => {
    const volume: SandboxVolume = { communications: 1500, tickets: 120, notesPerTicket: 3, asOf: Date.UTC(2025, 0, 1) }
    sandbox = await startSandbox({ timeoutMs: 5000, unlimited: true, volume })
    expect(sandbox.batchbook.simulator.store.communicationCount).toBe(1500)
    const tickets = sandbox.snappy.simulator.store.tickets.tickets.filter((t) => t.status === 'waiting')
    expect(tickets).toHaveLength(120)
  })

  it('seeds only the small data set without one', async () => {
    sandbox = await startSandbox({ timeoutMs: 5000, unlimited: true })
    expect(sandbox.batchbook.simulator.store.communicationCount).toBe(60)
    expect(sandbox.snappy.simulator.store.tickets.tickets.size).toBe(40)
  })
})
