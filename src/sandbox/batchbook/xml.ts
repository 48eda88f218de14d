/**
 * A small XML writer producing the layout of BatchBook's (Rails `to_xml`) documents: a
 * declaration, two-space indentation, one element per line, and text escaped so that any
 * stored string comes back unchanged through a conforming parser.
 */

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'

/** How an element with no children is written; BatchBook answers use both. */
export type EmptyStyle = 'self-closing' | 'whitespace'

export interface XmlElement {
  name: string
  attrs?: Record<string, string>
  /** Text content; mutually exclusive with `children`. */
  text?: string
  children?: XmlElement[]
  /** Only for elements with `children`; defaults to self-closing. */
  empty?: EmptyStyle
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

// Characters XML 1.0 cannot carry at all (controls, lone surrogates, U+FFFE/U+FFFF). Data
// sent as a form body can contain them; dropping them keeps every answer well-formed.
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

function escapeXml(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (ch) => ESCAPES[ch] as string)
}

/** Shorthand for an element with text and an optional `type` attribute. */
export function leaf(
  name: string,
  text: string | number | boolean,
  type?: 'integer' | 'boolean' | 'datetime',
): XmlElement {
  return type === undefined ? { name, text: String(text) } : { name, attrs: { type }, text: String(text) }
}

/** An `type="array"` element. */
export function array(name: string, children: XmlElement[], empty: EmptyStyle = 'self-closing'): XmlElement {
  return { name, attrs: { type: 'array' }, children, empty }
}

export function renderDocument(root: XmlElement): string {
  const lines = [XML_DECLARATION]
  write(root, '', lines)
  return `${lines.join('\n')}\n`
}

function write(element: XmlElement, indent: string, lines: string[]): void {
  const attrs = Object.entries(element.attrs ?? {})
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join('')
  const open = `${indent}<${element.name}${attrs}`
  if (element.children === undefined) {
    lines.push(`${open}>${escapeXml(element.text ?? '')}</${element.name}>`)
  } else if (element.children.length > 0) {
    lines.push(`${open}>`)
    for (const child of element.children) write(child, `${indent}  `, lines)
    lines.push(`${indent}</${element.name}>`)
  } else if (element.empty === 'whitespace') {
    lines.push(`${open}>`, `${indent}</${element.name}>`)
  } else {
    lines.push(`${open}/>`)
  }
}
