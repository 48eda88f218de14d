/**
 * The reference page in a real browser: Debian's Chromium driven by playwright-core loads
 * /docs, the operations are listed, and "Try it out" with the development key reaches the
 * sandbox; over plain HTTP on a host name that is not loopback the page renders too. Without
 * Chromium (`apt-get install chromium`) the test is skipped, except in CI, where it must run.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_KEY, startGateway, type RunningGateway } from '../helpers/gateway.js'

const CHROMIUM = '/usr/bin/chromium'
const available = existsSync(CHROMIUM)
const required = process.env.CI === 'true'
const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url))
/** A name Chromium resolves to loopback without being loopback, as a LAN or container host would be. */
const HOST_NAME = 'switchboard.test'

let gw: RunningGateway
let browser: Browser

describe.skipIf(!available && !required)('reference page in a browser', () => {
  beforeAll(async () => {
    gw = await startGateway({ withSandbox: true, virtual: false })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        `--host-resolver-rules=MAP ${HOST_NAME} 127.0.0.1`,
      ],
    })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await gw?.close()
  })

  it('lists the operations and runs one with the development key', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } })
    const offsite: string[] = []
    const errors: string[] = []
    page.on('request', (req) => {
      if (!req.url().startsWith(gw.url) && !req.url().startsWith('data:')) offsite.push(req.url())
    })
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    page.on('pageerror', (err) => errors.push(err.message))
    await page.goto(`${gw.url}/docs`)
    await page.waitForSelector('.opblock', { timeout: 20_000 })
    // Switchboard's page: its title and mark, no console error (a CSP refusal shows as one).
    expect(await page.title()).toBe('Switchboard API reference')
    await page.waitForSelector('.topbar-wrapper img[src^="data:image/svg+xml"]', { timeout: 5_000 })
    const summaries = await page.locator('.opblock-summary-path').allTextContents()
    expect(summaries.map((s) => s.replace(/\u200b/g, ''))).toEqual(
      expect.arrayContaining(['/v1/messages', '/v1/messages/{id}', '/v1/sources']),
    )

    await page.click('button.authorize')
    await page.fill('#auth-bearer-value', TEST_KEY)
    await page.locator('.modal-ux button.authorize').first().click()
    await page.locator('.modal-ux button.btn-done').first().click()

    // Try-it-out mode is on from the start: open the operation and execute it.
    await page.click('#operations-Sources-listSources .opblock-summary-control')
    await page.click('#operations-Sources-listSources button.execute')
    const status = page
      .locator('#operations-Sources-listSources .live-responses-table .response .response-col_status')
      .first()
    await status.waitFor({ timeout: 20_000 })
    expect((await status.textContent())?.trim()).toBe('200')
    const body = await page
      .locator('#operations-Sources-listSources .live-responses-table .response-col_description pre')
      .first()
      .textContent()
    expect(body).toContain('"batchbook"')

    mkdirSync(artifacts, { recursive: true })
    await page.screenshot({ path: `${artifacts}docs.png`, fullPage: false })
    expect(offsite).toEqual([])
    expect(errors).toEqual([])
  }, 60_000)

  it('renders over plain HTTP on a host name that is not loopback', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } })
    const origin = gw.url.replace('127.0.0.1', HOST_NAME)
    const upgraded: string[] = []
    page.on('request', (req) => {
      if (req.url().startsWith(`https://${HOST_NAME}`)) upgraded.push(req.url())
    })
    await page.goto(`${origin}/docs`)
    await page.waitForSelector('.opblock', { timeout: 20_000 })
    const summaries = await page.locator('.opblock-summary-path').allTextContents()
    expect(summaries.map((s) => s.replace(/\u200b/g, ''))).toEqual(
      expect.arrayContaining(['/v1/messages', '/v1/conversations']),
    )
    expect(upgraded).toEqual([])
  }, 60_000)
})
