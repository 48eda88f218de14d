/**
 * Note content: staff notes come back rendered as HTML (`<p>…</p>\n`) even where
 * `using_html` is 0, customers' notes are plain text. So the flag is not trusted; the
 * content itself is looked at, and HTML is turned into clean text with `html-to-text`.
 */
import { convert, type HtmlToTextOptions } from 'html-to-text'

/**
 * HTML is recognised by a closing tag of a known element, or a line break, rule or image:
 * what Snappy's rendering (`<p>…</p>`, `<br />`) and mail clients produce. A customer
 * writing "press <enter>" or "if a<b and b>c" is not HTML.
 */
const CLOSING_TAG =
  /<\/(?:p|div|span|a|b|i|u|s|em|strong|small|sub|sup|ul|ol|li|dl|dt|dd|blockquote|pre|code|h[1-6]|table|thead|tbody|tr|td|th|font|center|html|body)\s*>/i
const VOID_ELEMENT = /<(?:br|hr|img)(?:\s[^<>]*)?\/?>/i

export function looksLikeHtml(content: string): boolean {
  return CLOSING_TAG.test(content) || VOID_ELEMENT.test(content)
}

const OPTIONS: HtmlToTextOptions = {
  // Clients wrap text themselves; hard line breaks inside paragraphs would only get in the way.
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
  ],
}

export function htmlToText(html: string): string {
  return convert(html, OPTIONS).trim()
}

/** `{ text, html }` of a note's content. */
export function noteBody(content: string): { text: string; html: string | null } {
  if (looksLikeHtml(content)) return { text: htmlToText(content), html: content }
  return { text: content, html: null }
}
