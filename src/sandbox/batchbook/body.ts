/**
 * Reads request bodies the way BatchBook's clients send them: XML documents whose root names
 * the resource (`<communication>…</communication>`), or form fields (`communication[subject]=…`)
 * as the PHP client sends. Both end up as plain strings per field.
 */
import { createBatchBookXmlParser } from '../../upstreams/batchbook/xml-parser.js'
import { RequestError, unprocessable } from './errors.js'

export type XmlValue = string | XmlObject | XmlValue[]
interface XmlObject {
  [key: string]: XmlValue
}

export type RequestBody =
  { kind: 'none' } | { kind: 'xml'; root: string; content: XmlValue } | { kind: 'form'; fields: URLSearchParams }

const parser = createBatchBookXmlParser()

export function readBody(contentType: string | undefined, raw: unknown): RequestBody {
  const text = typeof raw === 'string' ? raw : ''
  if (text.trim() === '') return { kind: 'none' }
  const type = (contentType ?? '').toLowerCase()
  const isXml = type.includes('xml') || (!type.includes('x-www-form-urlencoded') && text.trimStart().startsWith('<'))
  // The classic API speaks XML only; saying so beats misreading a JSON body as form fields.
  if (!isXml && type.includes('json')) throw new RequestError(415, ['Unsupported media type: send XML or form fields'])
  if (!isXml) return { kind: 'form', fields: new URLSearchParams(text) }
  let parsed: XmlObject
  try {
    parsed = parser.parse(text, true) as XmlObject
  } catch (err) {
    throw new RequestError(400, [`Malformed XML: ${(err as Error).message}`])
  }
  const roots = Object.keys(parsed).filter((key) => key !== '#text' && !key.startsWith('?'))
  const [root] = roots
  if (root === undefined || roots.length > 1)
    throw new RequestError(400, ['Malformed XML: expected exactly one root element'])
  return { kind: 'xml', root, content: parsed[root] as XmlValue }
}

/** The text of an element: its text content, '' when empty, undefined when it has child elements. */
export function textOf(value: XmlValue | undefined): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return textOf(value[0])
  if (childNames(value).length > 0) return undefined
  const text = value['#text']
  return typeof text === 'string' ? text : ''
}

/** Names of the child elements of an element (not attributes, not text). */
function childNames(value: XmlObject): string[] {
  return Object.keys(value).filter((key) => key !== '#text' && !key.startsWith('@_'))
}

/** The repeated child `name` of an element as a list (the parser gives a lone child unwrapped). */
export function childList(value: XmlValue | undefined, name: string): XmlValue[] {
  if (value === undefined || typeof value === 'string' || Array.isArray(value)) return []
  const child = value[name]
  if (child === undefined) return []
  return Array.isArray(child) ? child : [child]
}

/**
 * The fields of a resource document: `<root><field>…</field></root>` or `root[field]=…`.
 * Answers only the known fields that were present; a body that is not that resource is a 422,
 * as Rails answers a save without the resource's parameters.
 */
export function resourceFields<F extends string>(
  body: RequestBody,
  root: string,
  fields: readonly F[],
): Partial<Record<F, string>> {
  const found: Partial<Record<F, string>> = {}
  if (body.kind === 'xml') {
    if (body.root !== root) throw unprocessable(`Expected a <${root}> document, got <${body.root}>`)
    const content = body.content
    if (typeof content === 'object' && !Array.isArray(content)) {
      for (const field of fields) {
        const text = textOf(content[field])
        if (text !== undefined) found[field] = text
      }
    }
    return found
  }
  if (body.kind === 'form') {
    const keys = [...body.fields.keys()]
    if (!keys.some((key) => key.startsWith(`${root}[`))) throw unprocessable(`Expected ${root}[…] fields`)
    for (const field of fields) {
      const value = body.fields.get(`${root}[${field}]`)
      if (value !== null) found[field] = value
    }
    return found
  }
  throw unprocessable(`Expected a <${root}> document`)
}
