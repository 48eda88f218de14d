import { describe, expect, it } from 'vitest'
import { decodeId, encodeId, idPattern } from '../src/ids.js'

describe('opaque ids', () => {
  it('round-trips source, connection and upstream ids', () => {
    const id = encodeId('message', { source: 'snappy', connection: 'snappy', parts: ['268240', '471947'] })
    expect(id).toMatch(/^msg_[A-Za-z0-9_-]+$/)
    expect(id).toMatch(new RegExp(idPattern('message')))
    expect(decodeId('message', id, 2)).toEqual({ source: 'snappy', connection: 'snappy', parts: ['268240', '471947'] })
  })

  it.each([
    ['another prefix', encodeId('comment', { source: 'batchbook', connection: 'batchbook', parts: ['1'] })],
    ['not base64url', 'msg_ab$cd'],
    ['not JSON', `msg_${Buffer.from('hello').toString('base64url')}`],
    ['an unknown source', `msg_${Buffer.from('["crm","batchbook","1"]').toString('base64url')}`],
    ['a path in an upstream id', `msg_${Buffer.from('["batchbook","batchbook","../1"]').toString('base64url')}`],
    ['the wrong number of parts', `msg_${Buffer.from('["batchbook","batchbook","1","2"]').toString('base64url')}`],
    ['a bad connection name', `msg_${Buffer.from('["batchbook","Evil Name","1"]').toString('base64url')}`],
  ])('rejects %s with invalid_id', (_what, value) => {
    expect(() => decodeId('message', value, 1)).toThrowError(
      expect.objectContaining({ code: 'invalid_id', status: 400 }),
    )
  })

  it('checks kind and part count again when an id it has decoded before comes back', () => {
    const id = encodeId('message', { source: 'batchbook', connection: 'batchbook', parts: ['7'] })
    const first = decodeId('message', id, 1)
    expect(Object.isFrozen(first.parts)).toBe(true)
    expect(() => decodeId('message', id, 2)).toThrowError(expect.objectContaining({ code: 'invalid_id' }))
    expect(() => decodeId('conversation', id, 1)).toThrowError(expect.objectContaining({ code: 'invalid_id' }))
    expect(decodeId('message', id, 1)).toBe(first)
  })
})
