/**
 * A duration as the texts that state a limit say it ("10 s", "24 hours", "3 days"): every such
 * text is built from the configuration, so it says what this gateway does.
 */
const UNITS: Array<[number, string, string]> = [
  [86_400_000, 'day', 'days'],
  [3_600_000, 'hour', 'hours'],
  [60_000, 'minute', 'minutes'],
]

export function describeDuration(ms: number): string {
  for (const [size, one, many] of UNITS) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size
      return `${n} ${n === 1 ? one : many}`
    }
  }
  if (ms >= 1_000 && ms % 1_000 === 0) return `${ms / 1_000} s`
  if (ms >= 1_000) return `${(ms / 1_000).toFixed(1)} s`
  return `${ms} ms`
}
