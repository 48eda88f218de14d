import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeId, encodeId } from '../../../src/ids.js'
import type { Comment } from '../../../src/schemas/message.js'
import { FAST_LIMITS, startGateway, type RunningGateway } from '../../helpers/gateway.js'
import { call } from '../../helpers/messages.js'

let gw: RunningGateway
let id: number
const bb = () => gw.sandbox!.batchbook.simulator
const msg = (n = id) => encodeId('message', { source: 'batchbook', connection: 'batchbook', parts: [String(n)] })

beforeAll(async () => {
  gw = await startGateway({ withSandbox: true, limits: FAST_LIMITS })
  id = bb().store.createCommunication({ subject: 'Discussed', body: 'x', ctype: 'Phone' }).id
})
afterAll(async () => gw.close())

describe('message comments (BatchBook)', () => {
  let created: Comment

  it('adds a comment, answering 201 with it', async () => {
    const res = await call<Comment>('POST', `${gw.url}/v1/messages/${msg()}/comments`, {
      body: 'Called back — all sorted & <done>',
    })
    expect(res.status).toBe(201)
    created = res.body
    expect(created).toMatchObject({ body: 'Called back — all sorted & <done>', author: expect.any(String) })
    expect(res.headers.location).toBe(`/v1/messages/${msg()}/comments/${created.id}`)
    expect(decodeId('comment', created.id, 2).parts[0]).toBe(String(id))
    expect(
      bb()
        .store.commentsOf(id)
        .map((c) => c.comment),
    ).toEqual(['Called back — all sorted & <done>'])
  })

  it('lists the comments of a message', async () => {
    const res = await call<{ data: Comment[] }>('GET', `${gw.url}/v1/messages/${msg()}/comments`)
    expect(res.body.data).toEqual([created])
  })

  it('answers the comments as every list, with a null nextCursor', async () => {
    const res = await call<{ data: Comment[]; nextCursor: string | null }>(
      'GET',
      `${gw.url}/v1/messages/${msg()}/comments`,
    )
    expect(res.body).toEqual({ data: [created], nextCursor: null })
  })

  it('edits a comment', async () => {
    const res = await call<Comment>('PATCH', `${gw.url}/v1/messages/${msg()}/comments/${created.id}`, {
      body: 'Edited',
    })
    expect(res).toMatchObject({ status: 200, body: { id: created.id, body: 'Edited' } })
  })

  it('answers 404 for a comment of another message', async () => {
    const other = bb().store.createCommunication({ subject: 'Other', body: 'y', ctype: 'Note' }).id
    expect(
      await call('PATCH', `${gw.url}/v1/messages/${msg(other)}/comments/${created.id}`, { body: 'x' }),
    ).toMatchObject({ status: 404 })
  })

  it('deletes a comment', async () => {
    expect((await call('DELETE', `${gw.url}/v1/messages/${msg()}/comments/${created.id}`)).status).toBe(204)
    expect(bb().store.commentsOf(id)).toEqual([])
    expect((await call<{ data: Comment[] }>('GET', `${gw.url}/v1/messages/${msg()}/comments`)).body.data).toEqual([])
  })

  it('answers 405 for comments on a Snappy note', async () => {
    const note = encodeId('message', { source: 'snappy', connection: 'snappy', parts: ['268240', '471947'] })
    expect(await call('POST', `${gw.url}/v1/messages/${note}/comments`, { body: 'x' })).toMatchObject({
      status: 405,
      body: { code: 'unsupported_by_source' },
    })
  })
})
