/** Reading `Prefer` (RFC 7240): the preferences the gateway applies, and what it ignores. */
import { describe, expect, it } from 'vitest'
import { MAX_PREFER_WAIT_S, type Preference, preferenceOf } from '../../src/plugins/operations.js'

describe('preferenceOf', () => {
  const cases: Array<[string | string[] | undefined, Preference | null]> = [
    [undefined, null],
    ['', null],
    ['return=minimal', null],
    ['respond-async', { respondAsync: true, waitS: 0 }],
    ['Respond-Async', { respondAsync: true, waitS: 0 }],
    ['respond-async, wait=10', { respondAsync: true, waitS: 10 }],
    ['wait=5', { respondAsync: false, waitS: 5 }],
    ['wait="7"', { respondAsync: false, waitS: 7 }],
    ['return=minimal, respond-async; foo=bar', { respondAsync: true, waitS: 0 }],
    [['return=minimal', 'respond-async'], { respondAsync: true, waitS: 0 }],
    ['wait=3600', { respondAsync: false, waitS: MAX_PREFER_WAIT_S }],
    // A wait that is not a whole number of seconds is not a preference the gateway reads.
    ['wait=soon', null],
    ['wait=-1', null],
    ['wait=1.5, respond-async', { respondAsync: true, waitS: 0 }],
  ]
  it.each(cases)('%j → %j', (header, expected) => {
    expect(preferenceOf(header)).toEqual(expected)
  })
})
