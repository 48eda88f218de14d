/**
 * The BatchBook XML codec. Upstream XML is hostile until proven otherwise: documents are
 * size-bounded, must be well-formed, may not carry a DOCTYPE or any other declaration (so no
 * entity can be declared, let alone expanded), nesting is bounded, and element names that
 * could reach object prototypes are refused. Rails' `type` attributes (integer, boolean,
 * array, datetime) and `nil` are applied, and both empty-array forms (`<x type="array"/>` and
 * whitespace only) become [].
 *
 * htmlparser2's tokenizer (in XML mode, entities left to `decodeXmlEntities`) finds the
 * tags, attributes and text, and the typed value is built in the same single pass: no
 * general-purpose tree is built and then converted, and no separate validation pass is run.
 * The tokenizer is lenient (it reads HTML too), so every rule of well-formedness it does not
 * enforce is checked here: matching end tags with nothing but whitespace before their `>`,
 * quoted, unique, whitespace-separated attributes, complete comments, CDATA sections and
 * processing instructions, no bare `<` or `&`, one root with only whitespace outside it, and
 * every character of the input accounted for by a complete token (the tokenizer flushes a
 * construct cut off at the end as text or drops it silently). Line ends are normalized and a
 * byte order mark dropped, as XML requires.
 */
import { QuoteType, Tokenizer, type TokenizerCallbacks } from 'htmlparser2'
import { decodeXmlEntities } from './xml-parser.js'

export type XmlValue = string | number | boolean | null | XmlValue[] | XmlObject
export interface XmlObject {
  [name: string]: XmlValue
}

export class XmlDecodeError extends Error {
  override name = 'XmlDecodeError'
}

const INTEGER = /^-?\d+$/
const NAME = /^[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9._:\u00B7\u00C0-\uFFFF]*$/
const WHITESPACE = /^[ \t\r\n]*$/
/** Names that would reach an object's prototype if they became keys. */
const FORBIDDEN_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype'])
/** An `&` that does not start one of the references decodeXmlEntities decodes (or another well-formed one, kept literal as before). */
const BAD_AMPERSAND = /&(?!#\d+;|#x[0-9a-fA-F]+;|[A-Za-z_:][-A-Za-z0-9._:]*;)/
const isXmlSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
const MAX_DEPTH = 32
const DOCTYPE = /^doctype/i
const PI_TARGET_START = /^[A-Za-z_:]/
const XML_DECLARATION = /^xml(?![-A-Za-z0-9._:])/i

/** An element being read. */
interface Frame {
  name: string
  /** Rails' `type` attribute. */
  type: string | undefined
  nil: boolean
  /** Attributes other than `type`, as `@name` keys. */
  attributes: XmlObject | null
  /** Child elements by name (not for `type="array"`). */
  children: XmlObject | null
  /** Names seen more than once among `children`: their value is the list of them. */
  repeated: Set<string> | null
  /** The values of the child elements of a `type="array"` element, in order. */
  items: XmlValue[] | null
  text: string
}

class DocumentReader implements TokenizerCallbacks {
  readonly #text: string
  readonly #stack: Frame[] = []
  #root: { name: string; value: XmlValue } | null = null
  #attribute = ''
  #attributeValue = ''
  /** The element whose start tag is being read (its attributes still arriving). */
  #opening: Frame | null = null
  /** Where the input not yet accounted for by a complete token starts. */
  #consumed = 0
  /** In a start tag: the end of its name or of its last attribute value. */
  #tagCursor = 0

  constructor(text: string) {
    this.#text = text
  }

  result(): { root: string; value: XmlValue } {
    if (this.#stack.length > 0 || this.#opening !== null) throw new XmlDecodeError(`document is truncated (<${(this.#opening ?? this.#stack.at(-1))?.name}> is not closed)`)
    if (this.#root === null) throw new XmlDecodeError('document has no root element')
    for (let i = this.#consumed; i < this.#text.length; i++) {
      if (!isXmlSpace(this.#text.charCodeAt(i))) throw new XmlDecodeError('document ends inside markup')
    }
    return { root: this.#root.name, value: this.#root.value }
  }

  onopentagname(start: number, end: number): void {
    const name = this.#name(start, end)
    if (FORBIDDEN_NAMES.has(name)) throw new XmlDecodeError(`the name '${name}' is not allowed`)
    if (this.#stack.length === 0 && this.#root !== null) throw new XmlDecodeError('document must have exactly one root element')
    if (this.#stack.length >= MAX_DEPTH) throw new XmlDecodeError(`elements are nested more than ${MAX_DEPTH} deep`)
    this.#tagCursor = end
    this.#opening = { name, type: undefined, nil: false, attributes: null, children: null, repeated: null, items: null, text: '' }
  }

  onattribname(start: number, end: number): void {
    if (start === this.#tagCursor || !this.#spaceOnly(this.#tagCursor, start)) throw new XmlDecodeError('attributes must be separated by whitespace')
    this.#attribute = this.#name(start, end)
    this.#attributeValue = ''
  }

  onattribdata(start: number, end: number): void {
    this.#attributeValue += this.#text.slice(start, end)
  }

  onattribentity(): void {
    // Entities are decoded from the raw value in onattribend (the tokenizer does not decode them).
  }

  onattribend(quote: QuoteType, endIndex: number): void {
    this.#tagCursor = endIndex
    const frame = this.#opening as Frame
    if (quote === QuoteType.NoValue || quote === QuoteType.Unquoted) throw new XmlDecodeError(`attribute ${this.#attribute} of <${frame.name}> has no quoted value`)
    if (this.#attributeValue.includes('<') || BAD_AMPERSAND.test(this.#attributeValue)) throw new XmlDecodeError(`attribute ${this.#attribute} of <${frame.name}> holds a bare < or &`)
    const value = decodeXmlEntities(this.#attributeValue)
    const name = this.#attribute
    if (name === 'type') {
      if (frame.type !== undefined) throw this.#duplicate(frame, name)
      frame.type = value
      if (value === 'array') frame.items = []
      return
    }
    if (name === 'nil' && value === 'true') frame.nil = true
    const attributes = (frame.attributes ??= {})
    const key = `@${name}`
    if (Object.hasOwn(attributes, key)) throw this.#duplicate(frame, name)
    attributes[key] = value
  }

  onopentagend(endIndex: number): void {
    if (!this.#spaceOnly(this.#tagCursor, endIndex)) throw new XmlDecodeError('malformed start tag')
    this.#consumed = endIndex + 1
    this.#stack.push(this.#opening as Frame)
    this.#opening = null
  }

  onselfclosingtag(endIndex: number): void {
    if (this.#text.charCodeAt(endIndex - 1) !== 0x2f || !this.#spaceOnly(this.#tagCursor, endIndex - 1)) throw new XmlDecodeError('malformed empty-element tag')
    this.#consumed = endIndex + 1
    const frame = this.#opening as Frame
    this.#opening = null
    this.#close(frame)
  }

  onclosetag(start: number, end: number): void {
    const name = this.#text.slice(start, end)
    // The tokenizer skips whitespace after `</` and anything between the name and `>`: neither is XML.
    if (this.#text.charCodeAt(start - 1) !== 0x2f) throw new XmlDecodeError(`</${name.slice(0, 64)}> has whitespace after </`)
    let i = end
    while (i < this.#text.length && isXmlSpace(this.#text.charCodeAt(i))) i++
    if (this.#text.charCodeAt(i) !== 0x3e) throw new XmlDecodeError(`</${name.slice(0, 64)}> is not closed by >`)
    this.#consumed = i + 1
    const frame = this.#stack.pop()
    if (frame === undefined || frame.name !== name) {
      throw new XmlDecodeError(frame === undefined ? `</${name.slice(0, 64)}> closes nothing` : `</${name.slice(0, 64)}> does not close <${frame.name}>`)
    }
    this.#close(frame)
  }

  ontext(start: number, end: number): void {
    // Text starts where the last token ended; anything else is the tokenizer flushing a construct cut off at the end.
    if (start !== this.#consumed) throw new XmlDecodeError('document is truncated')
    const raw = this.#text.slice(start, end)
    // The tokenizer leaves a `<` it cannot read as a tag (`< a`, `<>`, `</>`) in the text.
    if (raw.includes('<') || BAD_AMPERSAND.test(raw)) throw new XmlDecodeError('document has a bare < or & in text')
    this.#consumed = end
    const frame = this.#stack.at(-1)
    if (frame === undefined) {
      if (!WHITESPACE.test(raw)) throw new XmlDecodeError('document has text outside its root element')
      return
    }
    frame.text += decodeXmlEntities(raw)
  }

  ontextentity(): void {
    // Not called: the tokenizer leaves entities in the text, decoded in ontext.
  }

  oncdata(start: number, end: number, offset: number): void {
    if (offset === 0) throw new XmlDecodeError('CDATA section is not closed')
    this.#consumed = end + 1
    const frame = this.#stack.at(-1)
    if (frame === undefined) throw new XmlDecodeError('document has CDATA outside its root element')
    frame.text += this.#text.slice(start, end - offset)
  }

  oncomment(start: number, end: number, offset: number): void {
    // offset 0: an unterminated comment at the end, or a bogus one (`<//x>`); `<!-->` and `<!--->` end before they start.
    if (offset === 0 || end - offset < start) throw new XmlDecodeError('malformed comment')
    this.#consumed = end + 1
  }

  ondeclaration(start: number, end: number): void {
    const declaration = this.#text.slice(start, Math.min(end, start + 16))
    throw new XmlDecodeError(DOCTYPE.test(declaration) ? 'document declares a DOCTYPE' : 'document holds a declaration')
  }

  onprocessinginstruction(start: number, end: number): void {
    if (end - 1 <= start || this.#text.charCodeAt(end - 1) !== 0x3f || !PI_TARGET_START.test(this.#text[start] as string)) throw new XmlDecodeError('malformed processing instruction')
    if (start !== 2 && XML_DECLARATION.test(this.#text.slice(start, start + 4))) throw new XmlDecodeError('the XML declaration must come first')
    this.#consumed = end + 1
    // `<?xml version="1.0"?>` and the like carry nothing the codec reads.
  }

  onend(): void {}

  #name(start: number, end: number): string {
    const name = this.#text.slice(start, end)
    if (!NAME.test(name)) throw new XmlDecodeError(`'${name.slice(0, 64)}' is not an XML name`)
    return name
  }

  #spaceOnly(from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (!isXmlSpace(this.#text.charCodeAt(i))) return false
    return true
  }

  #duplicate(frame: Frame, attribute: string): XmlDecodeError {
    return new XmlDecodeError(`<${frame.name}> has the attribute ${attribute} twice`)
  }

  /** The element is complete: its typed value goes to its parent (or becomes the root's). */
  #close(frame: Frame): void {
    const value = valueOf(frame)
    const parent = this.#stack.at(-1)
    if (parent === undefined) {
      this.#root = { name: frame.name, value }
      return
    }
    if (parent.items !== null) {
      parent.items.push(value)
      return
    }
    const children = (parent.children ??= {})
    if (!Object.hasOwn(children, frame.name)) {
      children[frame.name] = value
    } else if (parent.repeated?.has(frame.name) === true) {
      ;(children[frame.name] as XmlValue[]).push(value)
    } else {
      children[frame.name] = [children[frame.name] as XmlValue, value]
      ;(parent.repeated ??= new Set()).add(frame.name)
    }
  }
}

function valueOf(frame: Frame): XmlValue {
  if (frame.nil) return null
  switch (frame.type) {
    case 'array':
      return frame.items as XmlValue[]
    case 'integer': {
      const trimmed = frame.text.trim()
      if (!INTEGER.test(trimmed)) throw new XmlDecodeError(`'${trimmed.slice(0, 20)}' is not an integer`)
      return Number(trimmed)
    }
    case 'boolean':
      return frame.text.trim() === 'true'
    case 'datetime':
      return frame.text.trim()
  }
  // An element without child elements or attributes is its text; otherwise an object of both
  // (mixed content is not part of BatchBook's documents: its text is dropped).
  if (frame.children === null) return frame.attributes ?? frame.text
  return frame.attributes === null ? frame.children : { ...frame.attributes, ...frame.children }
}

/** Parses a document and returns its root element's name and typed value. */
export function decodeXml(input: Buffer | string, maxBytes: number): { root: string; value: XmlValue } {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length
  if (size > maxBytes) throw new XmlDecodeError(`document is larger than ${maxBytes} bytes`)
  let text = typeof input === 'string' ? input : input.toString('utf8')
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  // XML end-of-line handling (fast-xml-parser did the same): CRLF and lone CR become LF.
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n')
  const reader = new DocumentReader(text)
  const tokenizer = new Tokenizer({ xmlMode: true, decodeEntities: false }, reader)
  tokenizer.write(text)
  tokenizer.end()
  return reader.result()
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
