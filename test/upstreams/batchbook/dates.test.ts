import { describe, expect, it } from 'vitest'
import { formatBatchBookDate, parseBatchBookDate } from '../../../src/upstreams/batchbook/dates.js'

describe('BatchBook dates', () => {
  it.each([
    ['the <date> form with an offset', '2010-05-28 10:53:00 -0400', '2010-05-28T14:53:00.000Z'],
    ['the created_at form', 'Fri May 28 14:53:32 UTC 2010', '2010-05-28T14:53:32.000Z'],
    ['the comment datetime form', '2010-10-10 15:06:27 -0400', '2010-10-10T19:06:27.000Z'],
    ['the search form', 'Jul 01 13:37:38 UTC 2010', '2010-07-01T13:37:38.000Z'],
    ['a positive offset', '2010-01-01 01:00:00 +0530', '2009-12-31T19:30:00.000Z'],
    ['ISO 8601', '2010-07-01T13:37:38Z', '2010-07-01T13:37:38.000Z'],
  ])('parses %s', (_what, input, iso) => {
    expect(parseBatchBookDate(input)).toBe(iso)
  })

  it.each(['', 'yesterday', 'Foo 01 13:37:38 UTC 2010', '2010-05-28'])('returns null for %j', (input) => {
    expect(parseBatchBookDate(input)).toBeNull()
  })

  it('formats dates the way BatchBook reads them', () => {
    expect(formatBatchBookDate('2010-07-01T13:37:38.000Z')).toBe('Jul 01 13:37:38 UTC 2010')
    expect(formatBatchBookDate(new Date(Date.UTC(2024, 11, 5, 3, 4, 5)))).toBe('Dec 05 03:04:05 UTC 2024')
  })
})
