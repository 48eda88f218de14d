/**
 * The BatchBook XML codec. Upstream XML is hostile until proven otherwise: documents are
 * size-bounded, must be well-formed (fast-xml-parser's XMLValidator, before anything is parsed),
 * may not carry a DOCTYPE (so no entity can be declared, let alone expanded), nesting is
 * bounded, and element names that could reach object prototypes are refused. Rails' `type`
 * attributes (integer, boolean, array, datetime) and `nil` are applied, and both empty-array
 * forms (`<x type="array"/>` and whitespace only) become [].
 *
 * fast-xml-parser reads the document (`createBatchBookXmlReader`, in xml-parser.ts, where its
 * options and entity rules are explained) into an ordered list of nodes, and the typed value is
 * built from that list here. Line ends are normalized by the parser and a byte order mark is
 * dropped, as XML requires.
 */
import { XMLValidator } from 'fast-xml-parser'
import { createBatchBookXmlReader } from './xml-parser.js'

/**
 * The largest BatchBook answer decoded. A ten-message page is about 7 KB; the parser takes
 * seconds over megabytes of hostile markup, so answers are held far below the general
 * upstream response bound (`UPSTREAM_MAX_RESPONSE_BYTES`).
 */
export const MAX_XML_DOCUMENT_BYTES = 1024 * 1024

export type XmlValue = string | number | boolean | null | XmlValue[] | XmlObject
export interface XmlObject {
  [name: string]: XmlValue
}

export class XmlDecodeError extends Error {
  override name = 'XmlDecodeError'
}

const INTEGER = /^-?\d+$/
const NAME = /^[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9._:\u00B7\u00C0-\uFFFF]*$/
/** Names that would reach an object's prototype if they became keys. */
const FORBIDDEN_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype'])

/**
 * Refused before the validator runs:
 * - a DOCTYPE anywhere (also inside a comment or CDATA section, which BatchBook never sends), so
 *   the parser never reads one;
 * - an XML declaration anywhere but at the very start: XMLValidator misses one inside an element;
 * - two forms that are well-formed XML but that HTML-minded readers end at their first `>`
 *   (`<!-->` or `<!--->` opening a comment, and a processing instruction with a `>` before its
 *   `?>`): BatchBook sends neither, and a document that two readers would read differently is
 *   refused rather than guessed at.
 */
const DOCTYPE = /<!DOCTYPE/i
const LATE_DECLARATION = /(?<!^)<\?xml(?![-A-Za-z0-9._:])/i
const ABRUPT_COMMENT = /<!---?>/

const TEXT = '#text'
const ATTRIBUTES = ':@'
const ATTRIBUTE_PREFIX = '@_'

/** fast-xml-parser's `preserveOrder` form: an element is `{ name: children, ':@'?: attributes }`, text is `{ '#text': text }`. */
type Node = Record<string, unknown>
type Attributes = Record<string, unknown>

const reader = createBatchBookXmlReader()

/** Parses a document and returns its root element's name and typed value. */
export function decodeXml(input: Buffer | string, maxBytes: number): { root: string; value: XmlValue } {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length
  if (size > maxBytes) throw new XmlDecodeError(`document is larger than ${maxBytes} bytes`)
  let text = typeof input === 'string' ? input : input.toString('utf8')
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (DOCTYPE.test(text)) throw new XmlDecodeError('document declares a DOCTYPE')
  if (LATE_DECLARATION.test(text)) throw new XmlDecodeError('the XML declaration must come first')
  if (ABRUPT_COMMENT.test(text)) throw new XmlDecodeError('document has a comment that starts with > or ->')
  if (piWithGt(text)) throw new XmlDecodeError('document has a processing instruction with > before its end')
  const valid = XMLValidator.validate(text)
  if (valid !== true)
    throw new XmlDecodeError(`document is not well-formed (${clip(valid.err.msg)}, line ${valid.err.line})`)
  let nodes: Node[]
  try {
    nodes = reader.parse(text) as Node[]
  } catch (err) {
    throw new XmlDecodeError(`document cannot be parsed (${clip((err as Error).message)})`)
  }
  // Declarations, processing instructions and comments are dropped by the parser; text at the
  // top level only comes from a CDATA section there.
  const [first, ...others] = nodes
  const root = first === undefined ? undefined : elementName(first)
  if (first === undefined || root === undefined || others.length > 0)
    throw new XmlDecodeError('document must have exactly one root element')
  return { root, value: typed(first, root) }
}

/**
 * Whether a processing instruction has a `>` before its `?>`. Every `<?` up to the next `>`
 * shares that `>`, so the scan goes on after it: linear, where a regular expression retried at
 * each `<?` would not be.
 */
function piWithGt(text: string): boolean {
  for (let start = text.indexOf('<?'); start !== -1;) {
    const gt = text.indexOf('>', start + 2)
    if (gt === -1) return false
    // `<?>` is not closed: its `?` is the one of `<?`.
    if (gt === start + 2 || text.charCodeAt(gt - 1) !== 0x3f) return true
    start = text.indexOf('<?', gt + 1)
  }
  return false
}

/** The element name of a node, checked; undefined for text. */
function elementName(node: Node): string | undefined {
  for (const key of Object.keys(node)) {
    if (key === ATTRIBUTES) continue
    if (key === TEXT) return undefined
    if (!NAME.test(key)) throw new XmlDecodeError(`'${clip(key)}' is not an XML name`)
    if (FORBIDDEN_NAMES.has(key)) throw new XmlDecodeError(`the name '${key}' is not allowed`)
    return key
  }
  throw new XmlDecodeError('document holds a node that is neither an element nor text')
}

/** The typed value of an element node. */
function typed(node: Node, name: string): XmlValue {
  const children = node[name] as Node[]
  const attributes = node[ATTRIBUTES] as Attributes | undefined
  let text = ''
  const elements: Array<{ name: string; node: Node }> = []
  for (const child of children) {
    const childName = elementName(child)
    if (childName === undefined) text += child[TEXT] as string
    else elements.push({ name: childName, node: child })
  }
  if (attributes?.['@_nil'] === 'true') return null
  switch (attributes?.['@_type']) {
    case 'array':
      return elements.map((e) => typed(e.node, e.name))
    case 'integer': {
      const trimmed = text.trim()
      if (!INTEGER.test(trimmed)) throw new XmlDecodeError(`'${trimmed.slice(0, 20)}' is not an integer`)
      return Number(trimmed)
    }
    case 'boolean':
      return text.trim() === 'true'
    case 'datetime':
      return text.trim()
  }
  // Attributes other than `type` become `@name` keys.
  let object: XmlObject | null = null
  if (attributes !== undefined) {
    for (const key of Object.keys(attributes)) {
      if (key === '@_type') continue
      ;(object ??= {})[`@${key.slice(ATTRIBUTE_PREFIX.length)}`] = String(attributes[key])
    }
  }
  // An element without child elements or attributes is its text; otherwise an object of both
  // (mixed content is not part of BatchBook's documents: its text is dropped).
  if (elements.length === 0) return object ?? text
  object ??= {}
  let repeated = null as Set<string> | null
  for (const element of elements) {
    const value = typed(element.node, element.name)
    if (!Object.hasOwn(object, element.name)) {
      object[element.name] = value
    } else if (repeated?.has(element.name) === true) {
      ;(object[element.name] as XmlValue[]).push(value)
    } else {
      object[element.name] = [object[element.name] as XmlValue, value]
      ;(repeated ??= new Set()).add(element.name)
    }
  }
  return object
}

/** Parser messages may quote the document: keep them short. */
function clip(message: string): string {
  return message.length > 120 ? `${message.slice(0, 120)}…` : message
}

/** Reads an element as an object, or throws when the shape is not one. */
export function asObject(value: XmlValue | undefined, what: string): XmlObject {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new XmlDecodeError(`${what} is not an element with children`)
  }
  return value
}

export function asArray(value: XmlValue | undefined, what: string): XmlValue[] {
  // A list element without type="array" and a single child comes through as an object.
  if (value === undefined || value === '' || value === null) return []
  if (Array.isArray(value)) return value
  throw new XmlDecodeError(`${what} is not an array`)
}

export function asText(value: XmlValue | undefined): string | null {
  if (value === undefined || value === null) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return null
}
