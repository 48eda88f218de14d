/**
 * BatchBook writes three date formats (see NOTES.md) and reads a fourth:
 *   `<date>` and comment `created_at`: `2010-05-28 10:53:00 -0400`
 *   communication `created_at`/`updated_at`: `Fri May 28 14:53:32 UTC 2010`
 *   search parameters and dates in bodies: `Jul 01 13:37:38 UTC 2010`
 * Everything leaves the gateway as ISO 8601 UTC.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

const OFFSET_FORM = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)? ?([+-])(\d{2}):?(\d{2})$/
const UTC_WORDS_FORM = /^(?:[A-Z][a-z]{2} )?([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/
const ISO_FORM = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/

/** Parses any BatchBook date to ISO 8601 UTC, or null when it is none of the known forms. */
export function parseBatchBookDate(value: string): string | null {
  const text = value.trim()
  let ms: number | null = null
  let m = OFFSET_FORM.exec(text)
  if (m !== null) {
    const [, y, mo, d, h, mi, s, sign, oh, om] = m as unknown as string[]
    const offsetMinutes = (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1)
    ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMinutes * 60_000
  } else if ((m = UTC_WORDS_FORM.exec(text)) !== null) {
    const [, mon, d, h, mi, s, y] = m as unknown as string[]
    const month = MONTHS.indexOf(mon as string)
    if (month === -1) return null
    ms = Date.UTC(Number(y), month, Number(d), Number(h), Number(mi), Number(s))
  } else if (ISO_FORM.test(text)) {
    ms = Date.parse(text)
  }
  if (ms === null || Number.isNaN(ms)) return null
  return new Date(ms).toISOString()
}

/** Formats an instant the way BatchBook reads dates: `Jul 01 13:37:38 UTC 2010`. */
export function formatBatchBookDate(date: Date | string): string {
  const d = typeof date === 'string' ? new Date(date) : date
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
}
