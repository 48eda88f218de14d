/**
 * What decoding one BatchBook list page costs: `npx tsx bench/xml-decode.ts [--reader=<module>]`.
 *
 * The pages are ten-communication list pages exactly as the BatchBook simulator serves them
 * (`GET /service/communications.xml?offset=N&limit=10` over its seed data, every full page),
 * decoded round-robin with `decodeXml` after a warm-up, in rounds of timed decodes. Prints the
 * microseconds per page of each round, their median and the fastest. `--reader` names another module that
 * exports `decodeXml` (the same signature), to compare readers in one run.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createBatchBookSimulator } from '../src/sandbox/batchbook/index.js'
import { decodeXml as gatewayDecodeXml } from '../src/upstreams/batchbook/xml.js'
import { describeMachine } from './lib/machine.js'

type Decode = (input: Buffer | string, maxBytes: number) => { root: string; value: unknown }

const WARM_UP = 2000
const ROUNDS = 7
const PER_ROUND = 5000
const MAX_BYTES = 8 * 1024 * 1024

const readerArg = process.argv.find((a) => a.startsWith('--reader='))?.slice('--reader='.length)
const decodeXml: Decode =
  readerArg === undefined
    ? gatewayDecodeXml
    : ((await import(pathToFileURL(resolve(readerArg)).href)) as { decodeXml: Decode }).decodeXml

async function simulatorPages(): Promise<Buffer[]> {
  const token = randomBytes(16).toString('hex')
  const simulator = createBatchBookSimulator({ tokens: [token], limit: false })
  const authorization = `Basic ${Buffer.from(`${token}:x`).toString('base64')}`
  const pages: Buffer[] = []
  try {
    for (let offset = 0; ; offset += 10) {
      const res = await simulator.app.inject({
        method: 'GET',
        url: `/service/communications.xml?offset=${offset}&limit=10`,
        headers: { authorization },
      })
      if (res.statusCode !== 200) throw new Error(`the simulator answered ${res.statusCode}: ${res.body.slice(0, 200)}`)
      const page = res.rawPayload
      const { value } = decodeXml(page, MAX_BYTES)
      if (!Array.isArray(value) || value.length < 10) break
      pages.push(page)
    }
  } finally {
    await simulator.app.close()
  }
  if (pages.length === 0) throw new Error('the simulator served no full page')
  return pages
}

const pages = await simulatorPages()
const meanKB = pages.reduce((sum, p) => sum + p.length, 0) / pages.length / 1000

let sink = 0
for (let i = 0; i < WARM_UP; i++) sink += decodeXml(pages[i % pages.length] as Buffer, MAX_BYTES).root.length
const perPage: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  const start = process.hrtime.bigint()
  for (let i = 0; i < PER_ROUND; i++) sink += decodeXml(pages[i % pages.length] as Buffer, MAX_BYTES).root.length
  perPage.push(Number(process.hrtime.bigint() - start) / 1000 / PER_ROUND)
}
const sorted = [...perPage].sort((a, b) => a - b)
const median = sorted[Math.floor(ROUNDS / 2)] as number

const machine = describeMachine()
console.log(
  `${machine.date}: ${machine.cpu}, ${machine.cores} cores, ${machine.node} on ${machine.os}, load average ${os.loadavg()[0]?.toFixed(2)}`,
)
console.log(`reader: ${readerArg ?? 'src/upstreams/batchbook/xml.ts'}`)
console.log(`${pages.length} ten-communication pages from the simulator, ${meanKB.toFixed(1)} KB on average`)
console.log(
  `${ROUNDS} rounds of ${PER_ROUND} decodes after ${WARM_UP} of warm-up: ${perPage.map((us) => us.toFixed(0)).join(', ')} µs per page`,
)
// On a shared machine the fastest round is the closest to the cost without contention.
console.log(
  `median: ${median.toFixed(0)} µs per page, fastest round ${(sorted[0] as number).toFixed(0)}${sink > 0 ? '' : ' (nothing decoded?)'}`,
)
