import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { request } from 'undici'
import { TEST_KEY, startGateway, testConfig } from './helpers/gateway.js'

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    },
  })
  return { stream, text: () => chunks.join('') }
}

describe('logging', () => {
  it('never writes API keys or upstream credentials', async () => {
    const out = capture()
    const config = testConfig({ logLevel: 'trace' })
    const gw = await startGateway({
      config,
      withSandbox: true,
      logStream: out.stream,
    })
    try {
      const res = await request(`${gw.url}/v1/sources`, { headers: { authorization: `Bearer ${TEST_KEY}`, 'x-api-key': TEST_KEY } })
      await res.body.dump()
      // Code that logs a connection or the request headers must still not leak them.
      gw.app.log.info({ connection: config.connections[0], req: { headers: { authorization: `Bearer ${TEST_KEY}` } } }, 'diagnostic')
    } finally {
      await gw.close()
    }
    const text = out.text()
    expect(text).toContain('diagnostic')
    expect(text).toContain('[redacted]')
    expect(text).not.toContain(TEST_KEY)
    for (const connection of config.connections) expect(text).not.toContain(connection.credential)
  })
})
