/** `/status` and its files: public, served by the gateway itself, under a strict CSP (its data needs a key). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningGateway, send, startGateway } from '../helpers/gateway.js'

let gw: RunningGateway
beforeAll(async () => {
  gw = await startGateway({ withSandbox: true })
})
afterAll(async () => gw.close())

describe('the operator page', () => {
  it.each([
    ['/status', 'text/html'],
    ['/status/status.js', 'text/javascript'],
    ['/status/status.css', 'text/css'],
    ['/status/icon.svg', 'image/svg+xml'],
  ])('serves %s without a key, with a CSP that allows only its own files', async (path, type) => {
    const res = await send(`${gw.url}${path}`)
    expect(res.status).toBe(200)
    expect(String(res.headers['content-type']).startsWith(type)).toBe(true)
    const csp = String(res.headers['content-security-policy'])
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/)
  })

  it('loads its script and style from the gateway, with nothing inline', async () => {
    const html = (await send(`${gw.url}/status`)).text
    expect(html).toContain('<script src="/status/status.js" defer></script>')
    expect(html).not.toMatch(/<script>|<style>| style="/)
  })
})
