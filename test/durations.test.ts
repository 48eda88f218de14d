import { describe, expect, it } from 'vitest'
import { describeDuration } from '../src/durations.js'

describe('describeDuration', () => {
  it('says a duration in the largest whole unit', () => {
    expect(describeDuration(10_000)).toBe('10 s')
    expect(describeDuration(86_400_000)).toBe('1 day')
    expect(describeDuration(3 * 86_400_000)).toBe('3 days')
    expect(describeDuration(36 * 3_600_000)).toBe('36 hours')
    expect(describeDuration(90_000)).toBe('90 s')
    expect(describeDuration(1_500)).toBe('1.5 s')
    expect(describeDuration(250)).toBe('250 ms')
  })
})
