/**
 * The BatchBook XML codec. Upstream XML is hostile until proven otherwise: documents are
 * size-bounded, must be well-formed, may not carry a DOCTYPE (so no entity can be declared,
 * let alone expanded), and names that could reach object prototypes are refused by the
 * parser. Rails' `type` attributes (integer, boolean, array, datetime) and `nil` are applied,
 * and both empty-array forms (`<x type="array"/>` and whitespace only) become [].
 */
import { XMLValidator } from 'fast-xml-parser'
import { createBatchBookXmlParser } from './xml-parser.js'

export type XmlValue = string | number | boolean | null | XmlValue[] | XmlObject
export interface XmlObject {
  [name: string]: XmlValue
}

export class XmlDecodeError extends Error {
  override name = 'XmlDecodeError'
}

const DOCTYPE = /<!DOCTYPE/i
const INTEGER = /^-?\d+$/

const parser = createBatchBookXmlParser()

/** Parses a document and returns its root element's name and typed value. */
export function decodeXml(input: Buffer | string, maxBytes: number): { root: string; value: XmlValue } {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length
  if (size > maxBytes) throw new XmlDecodeError(`document is larger than ${maxBytes} bytes`)
  const text = typeof input === 'string' ? input : input.toString('utf8')
  if (DOCTYPE.test(text)) throw new XmlDecodeError('document declares a DOCTYPE')
  const valid = XMLValidator.validate(text)
  if (valid !== true) throw new XmlDecodeError(`document is not well-formed (${valid.err.msg})`)
  let parsed: Record<string, unknown>
  try {
    parsed = parser.parse(text) as Record<string, unknown>
  } catch (err) {
    throw new XmlDecodeError(`document cannot be parsed (${(err as Error).message})`)
  }
  const roots = Object.keys(parsed).filter((k) => !k.startsWith('?'))
  if (roots.length !== 1) throw new XmlDecodeError('document must have exactly one root element')
  const root = roots[0] as string
  return { root, value: typed(parsed[root]) }
}

function typed(node: unknown): XmlValue {
  if (typeof node === 'string') return node
  if (node === null || typeof node !== 'object') return ''
  const element = node as Record<string, unknown>
  if (element['@_nil'] === 'true') return null
  const type = element['@_type']
  const text = typeof element['#text'] === 'string' ? (element['#text'] as string) : ''
  switch (type) {
    case 'array':
      return childValues(element).map(typed)
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
  const object: XmlObject = {}
  let hasChildren = false
  for (const [key, value] of Object.entries(element)) {
    if (key === '#text' || key === '@_type') continue
    if (key.startsWith('@_')) {
      object[`@${key.slice(2)}`] = String(value)
      continue
    }
    hasChildren = true
    object[key] = Array.isArray(value) ? value.map(typed) : typed(value)
  }
  if (!hasChildren && Object.keys(object).length === 0) return text
  return object
}

function childValues(element: Record<string, unknown>): unknown[] {
  const out: unknown[] = []
  for (const [key, value] of Object.entries(element)) {
    if (key === '#text' || key.startsWith('@_')) continue
    if (Array.isArray(value)) out.push(...value)
    else out.push(value)
  }
  return out
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
