/**
 * A gateway in its own process, for measuring its memory while files stream through it.
 * Started by memory.test.ts with `--expose-gc`; configured from the environment like
 * `npm start`; answers `{ port }` once listening, then `mark` (take the current figures as
 * the baseline, reset the peaks) and `report` (baselines and peaks) over IPC.
 *
 * Every sample first collects garbage: V8 lets dead Buffers pile up to tens of MiB before
 * it collects on its own, which would hide whether the gateway holds the file or not. So
 * the figures are what is alive (heap used + array buffers) and the RSS that goes with it.
 */
import { buildApp } from '../../../src/app.js'
import { loadConfig } from '../../../src/config.js'

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)
const app = await buildApp({ config: loadConfig(process.env), logger: false })
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
const port = typeof address === 'object' && address !== null ? address.port : 0

const figures = () => {
  gc()
  const usage = process.memoryUsage()
  return { rss: usage.rss, live: usage.heapUsed + usage.arrayBuffers }
}
let baseline = figures()
let peak = { ...baseline }
const sample = () => {
  const now = figures()
  peak = { rss: Math.max(peak.rss, now.rss), live: Math.max(peak.live, now.live) }
}
// Each sample costs a full collection: often enough to see a gathered file, rare enough not to slow the run.
const timer = setInterval(sample, 100)

process.on('message', (message: unknown) => {
  if (message === 'mark') {
    baseline = figures()
    peak = { ...baseline }
    process.send?.({ marked: true })
  } else if (message === 'report') {
    sample()
    process.send?.({ baseline, peak })
  } else if (message === 'stop') {
    clearInterval(timer)
    void app.close().then(() => process.exit(0))
  }
})
process.send?.({ port })
