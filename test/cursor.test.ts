import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor } from '../src/cursor.js'

describe('cursors', () => {
  it('round-trips positions and finished connections', () => {
    const state = { positions: { batchbook: 20, crm: 3 }, done: ['snappy'] }
    expect(decodeCursor(encodeCursor(state))).toEqual(state)
  })

  it.each([
    ['garbage', 'not a cursor!'],
    ['a negative offset', Buffer.from('{"v":1,"p":{"batchbook":-1},"d":[]}').toString('base64url')],
    ['another version', Buffer.from('{"v":2,"p":{},"d":[]}').toString('base64url')],
    ['a bad connection name', Buffer.from('{"v":1,"p":{"../x":1},"d":[]}').toString('base64url')],
  ])('rejects %s with invalid_cursor', (_what, value) => {
    expect(() => decodeCursor(value)).toThrowError(expect.objectContaining({ code: 'invalid_cursor', status: 400 }))
  })
})
