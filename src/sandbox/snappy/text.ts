/** Text helpers: how Snappy renders staff messages, slugs, and search normalization. */

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/**
 * Staff messages are stored rendered, Markdown-style: each blank-line separated paragraph
 * becomes `<p>…</p>\n`, single line breaks become `<br />`.
 */
export function renderStaffHtml(message: string): string {
  const paragraphs = message
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
  if (paragraphs.length === 0) return '<p></p>\n'
  return paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br />\n')}</p>\n`).join('')
}

/** The readable text of rendered HTML (for summaries and search). */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim()
}

/** A ticket's `summary`: the start of its latest message on one line. */
export function summarize(text: string, max = 100): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length <= max ? line : `${line.slice(0, max - 3).trimEnd()}...`
}

export function slugify(text: string): string {
  return foldForSearch(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

/** Lower case without diacritics, so "Núñez" is found by "nunez". */
function foldForSearch(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
}

/** True when every whitespace-separated term of `query` occurs somewhere in `haystack`. */
export function matchesAllTerms(query: string, haystack: string): boolean {
  const terms = foldForSearch(query)
    .split(/\s+/)
    .filter((t) => t !== '')
  if (terms.length === 0) return false
  const folded = foldForSearch(haystack)
  return terms.every((t) => folded.includes(t))
}
