import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeId } from '../../../src/ids.js'
import { FAST_LIMITS, startGateway, testConfig, type RunningGateway } from '../../helpers/gateway.js'
import { call } from '../../helpers/messages.js'

let gw: RunningGateway
const msg = encodeId('message', { source: 'batchbook', connection: 'batchbook', parts: ['69522'] })

const LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<communication><id type="integer">69522</id><subject>&lol9;</subject><created_at>Fri May 28 14:53:32 UTC 2010</created_at></communication>`

const HOSTILE: Array<[string, string]> = [
  ['an entity expansion bomb', LAUGHS],
  [
    'an external entity',
    '<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]><communication><id type="integer">1</id><subject>&x;</subject></communication>',
  ],
  [
    'a prototype key',
    '<communication><id type="integer">69522</id><__proto__><polluted>yes</polluted></__proto__><created_at>Fri May 28 14:53:32 UTC 2010</created_at></communication>',
  ],
  ['a truncated document', '<?xml version="1.0"?><communication><id type="integer">69522</id><subject>Re: Hi'],
  ['another root element', '<person><id type="integer">1</id></person>'],
  ['deep nesting', `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`],
]

beforeAll(async () => {
  // The breaker would rightly open after so many bad answers in a row; this file is about parsing.
  const config = testConfig()
  gw = await startGateway({
    withSandbox: true,
    limits: FAST_LIMITS,
    config: { ...config, breaker: { failureThreshold: 100, cooldownMs: 1000 } },
  })
})
afterAll(async () => gw.close())

describe('hostile upstream XML', () => {
  it.each(HOSTILE)('answers %s with a 502 problem in bounded time', async (_what, body) => {
    gw.sandbox!.batchbook.simulator.faults.inject({
      type: 'status',
      status: 200,
      body,
      contentType: 'application/xml',
      pathPrefix: '/service/communications/69522.xml',
    })
    const res = await call('GET', `${gw.url}/v1/messages/${msg}`)
    expect(res).toMatchObject({
      status: 502,
      body: { code: 'upstream_bad_response', upstream: { source: 'batchbook', status: 200 } },
    })
    expect(JSON.stringify(res.body)).not.toContain('lollollol')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('keeps serving afterwards', async () => {
    expect(await call('GET', `${gw.url}/v1/messages/${msg}`)).toMatchObject({
      status: 200,
      body: { subject: 'Re: Hi again!' },
    })
    expect(await call('GET', `${gw.url}/healthz`)).toMatchObject({ status: 200 })
  })
})
