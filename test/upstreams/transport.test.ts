import { realClock } from '../../src/clock.js'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { ConnectionConfig } from '../../src/config.js'
import { PoolRegistry } from '../../src/upstreams/pools.js'
import { UpstreamTransport } from '../../src/upstreams/transport.js'

let server: Server | undefined
let transport: UpstreamTransport | undefined
let pools: PoolRegistry | undefined

async function upstream(handler: Parameters<typeof createServer>[1], maxResponseBytes = 1024) {
  server = createServer(handler)
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const connection: ConnectionConfig = {
    name: 'crm',
    source: 'batchbook',
    baseUrl: `http://127.0.0.1:${port}/base`,
    credential: 'secret-token',
    rateLimit: { max: 100, windowMs: 1000 },
    timeoutMs: 2_000,
  }
  pools = new PoolRegistry()
  transport = new UpstreamTransport(connection, pools.get(`http://127.0.0.1:${port}`), {
    maxResponseBytes,
    clock: realClock,
  })
  return transport
}

afterEach(async () => {
  await pools?.close()
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve))
  transport = undefined
  pools = undefined
  server = undefined
})

describe('UpstreamTransport', () => {
  it('sends Basic credentials with a dummy password and prefixes the base path', async () => {
    let seen: { url?: string; auth?: string } = {}
    const t = await upstream((req, res) => {
      seen = { url: req.url, auth: req.headers.authorization }
      res.end('ok')
    })
    const res = await t.send(
      { method: 'GET', path: '/service/x.xml', query: { offset: 10, role: 'cc & bcc', skip: undefined } },
      1_000,
    )
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe('ok')
    expect(seen.url).toBe('/base/service/x.xml?offset=10&role=cc+%26+bcc')
    expect(seen.auth).toBe(`Basic ${Buffer.from('secret-token:x').toString('base64')}`)
  })

  it('answers a 504 problem when the upstream is slower than the deadline', async () => {
    const t = await upstream((_req, res) => setTimeout(() => res.end('late'), 1_000))
    await expect(t.send({ method: 'GET', path: '/' }, 100)).rejects.toMatchObject({
      code: 'upstream_timeout',
      status: 504,
    })
  })

  it('counts the body in the deadline: headers in time and a body too slow is a 504 problem', async () => {
    const t = await upstream((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' })
      res.write('partial')
      setTimeout(() => res.end('x'.repeat(993)), 1_000)
    })
    await expect(t.send({ method: 'GET', path: '/' }, 100)).rejects.toMatchObject({
      code: 'upstream_timeout',
      status: 504,
    })
  })

  it('cuts off a response over the size bound with a 502 problem', async () => {
    const t = await upstream((_req, res) => {
      res.write('a'.repeat(800))
      res.end('b'.repeat(800))
    })
    await expect(t.send({ method: 'GET', path: '/' }, 1_000)).rejects.toMatchObject({
      code: 'upstream_response_too_large',
      status: 502,
    })
  })

  it('answers a 502 problem when the connection is reset mid-body', async () => {
    const t = await upstream((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' })
      res.write('partial')
      setImmediate(() => res.destroy())
    })
    await expect(t.send({ method: 'GET', path: '/' }, 1_000)).rejects.toMatchObject({
      code: 'upstream_unavailable',
      status: 502,
    })
  })

  it('returns a non-2xx answer for the caller to judge', async () => {
    const t = await upstream((_req, res) => {
      res.writeHead(401)
      res.end()
    })
    expect((await t.send({ method: 'GET', path: '/' }, 1_000)).status).toBe(401)
  })
})
