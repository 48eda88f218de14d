/**
 * The operator page in a real browser (Debian's Chromium through playwright-core): asked for a
 * key, it shows every connection's sync, progress, budget, queue and circuit from the gateway
 * itself, refreshes on its own, and runs under its strict CSP without a console error. The
 * screenshot is kept as a test artefact. Skipped without Chromium, except in CI.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_KEY, type RunningGateway, startGateway, testConfig } from '../helpers/gateway.js'
import { type TestDatabase, testDatabase } from '../helpers/stores.js'

const CHROMIUM = '/usr/bin/chromium'
const available = existsSync(CHROMIUM)
const required = process.env.CI === 'true'
const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url))

let database: TestDatabase
let gw: RunningGateway
let browser: Browser

describe.skipIf(!available && !required)('the operator page in a browser', () => {
  beforeAll(async () => {
    database = testDatabase('sqlite')
    gw = await startGateway({ config: testConfig({ store: database.config }), withSandbox: true, virtual: false })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await gw?.close()
    await database?.drop()
  })

  it('shows each connection’s sync, budget and queue, refreshing, with no console error', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 500 } })
    const errors: string[] = []
    const offsite: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    page.on('pageerror', (err) => errors.push(err.message))
    page.on('request', (req) => {
      if (!req.url().startsWith(gw.url)) offsite.push(req.url())
    })
    await page.goto(`${gw.url}/status`)
    expect(await page.title()).toBe('Switchboard status')
    await page.fill('#key', TEST_KEY)
    await page.click('#key-form button')
    await page.waitForSelector('tr[data-connection="snappy"]', { timeout: 20_000 })
    const rows = await page
      .locator('#connections tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')))
    expect(rows.map((r) => r[0])).toEqual(['batchbook (batchbook, sandbox)', 'snappy (snappy, sandbox)'])
    for (const row of rows) {
      expect(row[1]).toMatch(/^(pending|backfilling|live|failing)$/)
      expect(row[4]).toMatch(/^\d+ of \d+ per \d+ s$/)
      expect(row[6]).toMatch(/^\d+ queued, \d+ running/)
      expect(row[7]).toBe('closed')
    }
    // It refreshes on its own: the time of the last update moves.
    const first = await page.textContent('#updated')
    // (Polled from here: the page's CSP refuses the evaluated scripts a waitForFunction needs.)
    const refreshBy = Date.now() + 15_000
    while ((await page.textContent('#updated')) === first) {
      expect(Date.now()).toBeLessThan(refreshBy)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    mkdirSync(artifacts, { recursive: true })
    await page.screenshot({ path: `${artifacts}status.png`, fullPage: true })
    expect(errors).toEqual([])
    expect(offsite).toEqual([])
  }, 60_000)
})
