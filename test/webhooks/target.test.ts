import http from 'node:http'
import type { AddressInfo } from 'node:net'
import net from 'node:net'
import type { LookupAddress } from 'node:dns'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import type { Agent } from 'undici'
import { ProblemError } from '../../src/errors.js'
import {
  checkWebhookTarget,
  createWebhookDispatcher,
  isPublicAddress,
  parseWebhookUrl,
  postWebhook,
} from '../../src/webhooks/target.js'

interface Received {
  method: string | undefined
  url: string | undefined
  headers: http.IncomingHttpHeaders
  body: string
}

interface TestServer {
  origin: string
  port: number
  received: Received[]
}

const servers: http.Server[] = []
const dispatchers: Agent[] = []

/** A loopback HTTP server that records what it receives, then answers with `handler`. */
async function startServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<TestServer> {
  const received: Received[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() })
      handler(req, res)
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { origin: `http://127.0.0.1:${port}`, port, received }
}

function dispatcher(allowPrivate: boolean, timeoutMs = 2000): Agent {
  const agent = createWebhookDispatcher({ allowPrivate, timeoutMs })
  dispatchers.push(agent)
  return agent
}

afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((agent) => agent.destroy()))
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    server.close()
  }
})

function fieldError(fn: () => unknown): { path: string; message: string } | undefined {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ProblemError)
    return (err as ProblemError).errors?.[0]
  }
  return undefined
}

describe('parseWebhookUrl', () => {
  it('takes absolute http and https URLs', () => {
    expect(parseWebhookUrl('https://hooks.example.com/in?x=1').href).toBe('https://hooks.example.com/in?x=1')
    expect(parseWebhookUrl('http://93.184.216.34:8080/').port).toBe('8080')
    expect(parseWebhookUrl('http://[2606:4700:4700::1111]/').hostname).toBe('[2606:4700:4700::1111]')
  })

  it.each([
    ['a relative URL', '/hooks', 'must be an absolute URL'],
    ['no URL at all', 'not a url', 'must be an absolute URL'],
    ['another protocol', 'ftp://example.com/', 'must use http or https'],
    ['a file URL', 'file:///etc/passwd', 'must use http or https'],
    ['a javascript URL', 'javascript:alert(1)', 'must use http or https'],
    ['a user name', 'https://user@example.com/', 'must not contain credentials'],
    ['a password', 'https://user:secret@example.com/', 'must not contain credentials'],
    ['a fragment', 'https://example.com/#part', 'must not contain a fragment'],
    ['an empty fragment', 'https://example.com/#', 'must not contain a fragment'],
    ['more than 2048 characters', `https://example.com/${'a'.repeat(2029)}`, 'must be at most 2048 characters'],
  ])('refuses %s', (_what, value, message) => {
    expect(fieldError(() => parseWebhookUrl(value))).toEqual({ path: 'body/url', message })
  })

  it('takes exactly 2048 characters', () => {
    const value = `https://example.com/${'a'.repeat(2028)}`
    expect(value).toHaveLength(2048)
    expect(parseWebhookUrl(value).href).toBe(value)
  })
})

describe('isPublicAddress', () => {
  it.each([
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '127.0.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '192.0.2.1',
    '198.18.0.1',
    '::',
    '::1',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::127.0.0.1',
    '64:ff9b::a00:1',
    '2002:a00:1::1',
    '2001::1',
    '2001:db8::1',
    'ff02::1',
    'localhost',
    '',
    '8.8.8',
    '[::1]',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false)
  })

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true)
  })
})

describe('checkWebhookTarget', () => {
  const answering = (...addresses: string[]) =>
    vi.fn(async (_hostname: string, _options: { all: true; verbatim: true }): Promise<LookupAddress[]> =>
      addresses.map((address) => ({ address, family: net.isIP(address) })),
    )

  async function problemOf(promise: Promise<void>): Promise<ProblemError> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(ProblemError)
    return err as ProblemError
  }

  it('takes a name that resolves only to public addresses, asking for all of them', async () => {
    const lookup = answering('93.184.216.34', '2606:4700:4700::1111')
    await expect(checkWebhookTarget(new URL('https://hooks.example.com/x'), false, lookup)).resolves.toBeUndefined()
    expect(lookup).toHaveBeenCalledWith('hooks.example.com', { all: true, verbatim: true })
  })

  it('refuses a name that resolves to any private address', async () => {
    const lookup = answering('93.184.216.34', '10.0.0.7')
    const problem = await problemOf(checkWebhookTarget(new URL('https://hooks.example.com/x'), false, lookup))
    expect(problem.status).toBe(400)
    expect(problem.errors).toEqual([{ path: 'body/url', message: 'must resolve to public addresses' }])
    expect(problem.message).toContain('hooks.example.com')
    expect(problem.message).not.toContain('10.0.0.7')
  })

  it('lets private addresses through when allowed', async () => {
    const lookup = answering('93.184.216.34', '10.0.0.7')
    await expect(checkWebhookTarget(new URL('https://hooks.example.com/x'), true, lookup)).resolves.toBeUndefined()
  })

  it('refuses a name that does not resolve, even when private addresses are allowed', async () => {
    const lookup = vi.fn(async (): Promise<LookupAddress[]> => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' })
    })
    const problem = await problemOf(checkWebhookTarget(new URL('https://nowhere.invalid/'), true, lookup))
    expect(problem.errors).toEqual([{ path: 'body/url', message: 'must resolve to public addresses' }])
    expect(problem.message).toBe('The host nowhere.invalid could not be resolved (ENOTFOUND)')

    const empty = await problemOf(checkWebhookTarget(new URL('https://nowhere.invalid/'), true, answering()))
    expect(empty.message).toBe('The host nowhere.invalid resolves to no address')
  })

  it('checks an IP literal as it is, without resolving it', async () => {
    const lookup = answering('93.184.216.34')
    await problemOf(checkWebhookTarget(new URL('http://[::1]:8080/'), false, lookup))
    await problemOf(checkWebhookTarget(new URL('http://[::ffff:7f00:1]/'), false, lookup))
    await problemOf(checkWebhookTarget(new URL('http://169.254.169.254/latest/meta-data'), false, lookup))
    // The WHATWG parser turns these forms into 127.0.0.1.
    await problemOf(checkWebhookTarget(new URL('http://2130706433/'), false, lookup))
    await problemOf(checkWebhookTarget(new URL('http://0x7f.1/'), false, lookup))
    await expect(checkWebhookTarget(new URL('http://[2606:4700:4700::1111]/'), false, lookup)).resolves.toBeUndefined()
    await expect(checkWebhookTarget(new URL('http://127.0.0.1/'), true, lookup)).resolves.toBeUndefined()
    expect(lookup).not.toHaveBeenCalled()
  })
})

describe('postWebhook', () => {
  const payload = JSON.stringify({ event: 'conversation.created', id: 'c_1' })

  it('posts the JSON payload with the given headers and reads a 2xx answer', async () => {
    const server = await startServer((_req, res) => res.writeHead(202, { 'content-type': 'text/plain' }).end('thanks'))
    const result = await postWebhook(
      dispatcher(true),
      new URL(`${server.origin}/hook?a=1`),
      { 'x-switchboard-signature': 'sig', 'Content-Type': 'text/plain' },
      payload,
      2000,
    )
    expect(result).toMatchObject({ status: 202, error: null, body: 'thanks' })
    expect(result.durationMs).toBeGreaterThanOrEqual(0)
    expect(server.received).toHaveLength(1)
    expect(server.received[0]).toMatchObject({ method: 'POST', url: '/hook?a=1', body: payload })
    expect(server.received[0]?.headers['content-type']).toBe('application/json')
    expect(server.received[0]?.headers['x-switchboard-signature']).toBe('sig')
  })

  it('reports a 500 as an answer', async () => {
    const server = await startServer((_req, res) => res.writeHead(500).end('boom'))
    const result = await postWebhook(dispatcher(true), new URL(server.origin), {}, payload, 2000)
    expect(result).toMatchObject({ status: 500, error: null, body: 'boom' })
  })

  it('does not follow a redirect', async () => {
    const target = await startServer((_req, res) => res.writeHead(200).end('followed'))
    const redirecting = await startServer((_req, res) =>
      res.writeHead(302, { location: `${target.origin}/elsewhere` }).end(),
    )
    const result = await postWebhook(dispatcher(true), new URL(redirecting.origin), {}, payload, 2000)
    expect(result).toMatchObject({ status: 302, error: null })
    expect(redirecting.received).toHaveLength(1)
    expect(target.received).toHaveLength(0)
  })

  it('gives up on a server that does not answer in time', async () => {
    const server = await startServer(() => {
      // Never answers.
    })
    const result = await postWebhook(dispatcher(true, 300), new URL(server.origin), {}, payload, 300)
    expect(result.status).toBeNull()
    expect(result.error).toBe('No answer within 300 ms')
    expect(result.durationMs).toBeGreaterThanOrEqual(250)
    expect(result.durationMs).toBeLessThan(2000)
  })

  it('gives up on an answer body that stalls, keeping the status', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200)
      res.write('partial')
    })
    const result = await postWebhook(dispatcher(true, 5000), new URL(server.origin), {}, payload, 300)
    expect(result).toMatchObject({ status: 200, error: 'No answer within 300 ms', body: 'partial' })
  })

  it('reads at most 64 KiB of a 1 MiB answer', async () => {
    let written = 0
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      const chunk = 'a'.repeat(16 * 1024)
      const more = (): void => {
        while (written < 1024 * 1024) {
          written += chunk.length
          if (!res.write(chunk)) return void res.once('drain', more)
        }
        res.end()
      }
      res.on('error', () => {})
      more()
    })
    const result = await postWebhook(dispatcher(true), new URL(server.origin), {}, payload, 2000)
    expect(result).toMatchObject({ status: 200, error: null })
    expect(result.body).toBe('a'.repeat(64 * 1024))
  })

  it('does not cut a character in two at the 64 KiB bound', async () => {
    // '€' is 3 bytes: 65536 bytes hold 21845 of them and a third of the next.
    const server = await startServer((_req, res) => res.writeHead(200).end('€'.repeat(30_000)))
    const result = await postWebhook(dispatcher(true), new URL(server.origin), {}, payload, 2000)
    expect(result.body).toBe('€'.repeat(21_845))
  })

  it('reports a refused connection without throwing', async () => {
    const server = await startServer(() => {})
    servers.splice(servers.length - 1)[0]?.close()
    await new Promise((resolve) => setTimeout(resolve, 20))
    const result = await postWebhook(dispatcher(true), new URL(server.origin), {}, payload, 2000)
    expect(result.status).toBeNull()
    expect(result.error).toContain('ECONNREFUSED')
  })
})

describe('createWebhookDispatcher', () => {
  const payload = '{}'

  it('refuses on connect an IP literal that is not public', async () => {
    const server = await startServer((_req, res) => res.end('ok'))
    const result = await postWebhook(dispatcher(false), new URL(server.origin), {}, payload, 2000)
    expect(result.status).toBeNull()
    expect(result.error).toBe(
      'The address of 127.0.0.1 was refused: it is not a public address (private, loopback or reserved)',
    )
    expect(server.received).toHaveLength(0)
  })

  it('refuses on connect a name that resolves to an address that is not public', async () => {
    const server = await startServer((_req, res) => res.end('ok'))
    const url = new URL(`http://localhost:${server.port}/`)
    const result = await postWebhook(dispatcher(false), url, {}, payload, 2000)
    expect(result.status).toBeNull()
    expect(result.error).toBe(
      'The address of localhost was refused: it is not a public address (private, loopback or reserved)',
    )
    expect(server.received).toHaveLength(0)
  })

  describe('without autoSelectFamily (lookup answered as one address)', () => {
    const before = net.getDefaultAutoSelectFamily()
    afterAll(() => net.setDefaultAutoSelectFamily(before))

    it('refuses and allows alike', async () => {
      net.setDefaultAutoSelectFamily(false)
      const server = await startServer((_req, res) => res.end('ok'))
      const url = new URL(`http://localhost:${server.port}/`)
      const refused = await postWebhook(dispatcher(false), url, {}, payload, 2000)
      expect(refused.error).toContain('was refused')
      const allowed = await postWebhook(dispatcher(true), url, {}, payload, 2000)
      expect(allowed).toMatchObject({ status: 200, error: null, body: 'ok' })
      net.setDefaultAutoSelectFamily(before)
    })
  })

  it('connects to private addresses when allowed', async () => {
    const server = await startServer((_req, res) => res.end('ok'))
    const byAddress = await postWebhook(dispatcher(true), new URL(server.origin), {}, payload, 2000)
    expect(byAddress).toMatchObject({ status: 200, error: null, body: 'ok' })
    const byName = await postWebhook(dispatcher(true), new URL(`http://localhost:${server.port}/`), {}, payload, 2000)
    expect(byName).toMatchObject({ status: 200, error: null, body: 'ok' })
    expect(server.received).toHaveLength(2)
  })
})
