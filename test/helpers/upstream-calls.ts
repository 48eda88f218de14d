/** What the sandbox simulators saw between two points of a test: the calls an operation made. */
import type { Sandbox } from '../../src/sandbox/index.js'
import type { RecordedRequest, SimulatorStats } from '../../src/sandbox/frame/stats.js'

export interface CallLog {
  batchbook: RecordedRequest[]
  snappy: RecordedRequest[]
}

export type Mark = { batchbook: number; snappy: number }

function stats(sandbox: Sandbox): { batchbook: SimulatorStats; snappy: SimulatorStats } {
  return { batchbook: sandbox.batchbook.simulator.stats, snappy: sandbox.snappy.simulator.stats }
}

export function mark(sandbox: Sandbox): Mark {
  const s = stats(sandbox)
  return { batchbook: s.batchbook.requests, snappy: s.snappy.requests }
}

/** The requests each simulator received since `from` (the simulators keep the last thousand). */
export function callsSince(sandbox: Sandbox, from: Mark): CallLog {
  const s = stats(sandbox)
  const since = (st: SimulatorStats, n: number) => {
    const count = st.requests - n
    if (count > st.recent.length) throw new Error('more calls than the simulator keeps')
    return count === 0 ? [] : st.recent.slice(-count)
  }
  return { batchbook: since(s.batchbook, from.batchbook), snappy: since(s.snappy, from.snappy) }
}

/** `METHOD path` of each call, without the query string. */
export function described(calls: readonly RecordedRequest[]): string[] {
  return calls.map((c) => `${c.method} ${c.url.split('?')[0]}`)
}

/** Writes among the calls (anything but GET). */
export function writes(calls: readonly RecordedRequest[]): string[] {
  return described(calls.filter((c) => c.method !== 'GET'))
}

export function violations(sandbox: Sandbox): number {
  const s = stats(sandbox)
  return s.batchbook.limitViolations + s.snappy.limitViolations
}
