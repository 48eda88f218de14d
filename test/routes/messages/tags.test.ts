import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeId } from '../../../src/ids.js'
import { FAST_LIMITS, startGateway, type RunningGateway } from '../../helpers/gateway.js'
import { call } from '../../helpers/messages.js'

let gw: RunningGateway
let id: number
const bb = () => gw.sandbox!.batchbook.simulator
const msg = () => encodeId('message', { source: 'batchbook', connection: 'batchbook', parts: [String(id)] })

beforeAll(async () => {
  gw = await startGateway({ withSandbox: true, limits: FAST_LIMITS })
  id = bb().store.createCommunication({ subject: 'Tagged', body: 'x', ctype: 'Email', tags: ['cool'] }).id
})
afterAll(async () => gw.close())

describe('message tags (BatchBook)', () => {
  it('lists the tags of a message', async () => {
    expect(await call('GET', `${gw.url}/v1/messages/${msg()}/tags`)).toMatchObject({
      status: 200,
      body: { data: ['cool'] },
    })
  })

  it('adds a tag whose name has spaces and XML characters', async () => {
    const res = await call('PUT', `${gw.url}/v1/messages/${msg()}/tags/${encodeURIComponent('big & <bold> deal')}`)
    expect(res).toMatchObject({ status: 200, body: { data: ['cool', 'big & <bold> deal'] } })
    expect(
      bb()
        .store.tagsOf(id)
        ?.map((t) => t.name),
    ).toEqual(['cool', 'big & <bold> deal'])
  })

  it('removes a tag', async () => {
    expect((await call('DELETE', `${gw.url}/v1/messages/${msg()}/tags/cool`)).status).toBe(204)
    expect(
      bb()
        .store.tagsOf(id)
        ?.map((t) => t.name),
    ).toEqual(['big & <bold> deal'])
    expect((await call('GET', `${gw.url}/v1/messages/${msg()}/tags`)).body).toMatchObject({
      data: ['big & <bold> deal'],
    })
  })

  it('answers the tags as every list, with a null nextCursor', async () => {
    expect((await call('GET', `${gw.url}/v1/messages/${msg()}/tags`)).body).toEqual({
      data: ['big & <bold> deal'],
      nextCursor: null,
    })
    expect((await call('PUT', `${gw.url}/v1/messages/${msg()}/tags/again`)).body).toEqual({
      data: ['big & <bold> deal', 'again'],
      nextCursor: null,
    })
  })
})
