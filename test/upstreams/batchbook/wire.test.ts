import { describe, expect, it } from 'vitest'
import {
  formatBatchBookDate,
  formatLocalTime,
  formatUtcTime,
  parseBatchBookDate,
  parseBatchBookTime,
} from '../../../src/upstreams/batchbook/wire.js'

describe('BatchBook dates as the client reads and writes them', () => {
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

const JUL_01 = Date.UTC(2010, 6, 1, 13, 37, 38)

describe('BatchBook dates as the simulator reads and writes them', () => {
  it('writes <date> in account-local time with its offset', () => {
    expect(formatLocalTime(Date.UTC(2010, 4, 28, 14, 53, 0))).toBe('2010-05-28 10:53:00 -0400')
  })

  it('switches between -0400 and -0500 with daylight saving time', () => {
    expect(formatLocalTime(Date.UTC(2010, 9, 10, 19, 6, 27))).toBe('2010-10-10 15:06:27 -0400')
    expect(formatLocalTime(Date.UTC(2010, 11, 1, 12, 0, 0))).toBe('2010-12-01 07:00:00 -0500')
  })

  it('writes created_at / updated_at as Ruby Time#to_s in UTC', () => {
    expect(formatUtcTime(Date.UTC(2010, 4, 28, 14, 53, 32))).toBe('Fri May 28 14:53:32 UTC 2010')
    expect(formatUtcTime(Date.UTC(2010, 6, 1, 9, 5, 7))).toBe('Thu Jul 01 09:05:07 UTC 2010')
  })

  it('reads the documented search form', () => {
    expect(parseBatchBookTime('Jul 01 13:37:38 UTC 2010')).toBe(JUL_01)
  })

  it('reads the created_at form with its weekday', () => {
    expect(parseBatchBookTime('Thu Jul 01 13:37:38 UTC 2010')).toBe(JUL_01)
  })

  it('reads the <date> form with a numeric offset', () => {
    expect(parseBatchBookTime('2010-07-01 09:37:38 -0400')).toBe(JUL_01)
  })

  it('reads ISO 8601', () => {
    expect(parseBatchBookTime('2010-07-01T13:37:38Z')).toBe(JUL_01)
    expect(parseBatchBookTime('2010-07-01T15:37:38.250+02:00')).toBe(JUL_01)
    expect(parseBatchBookTime('2010-07-01')).toBe(Date.UTC(2010, 6, 1))
  })

  it('rejects text that is not a time', () => {
    for (const bad of [
      'yesterday',
      '',
      'Jul 32 13:37:38 UTC 2010',
      'Foo 01 13:37:38 UTC 2010',
      '2010-02-30',
      '2010-07-01 25:00:00',
      'Jul 01 13:37:38 PST 2010',
    ]) {
      expect(parseBatchBookTime(bad), bad).toBeNull()
    }
  })
})
