/** XML request bodies for BatchBook, every value escaped by fast-xml-parser's builder. */
import { XMLBuilder } from 'fast-xml-parser'

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: true,
  suppressEmptyNode: false,
})
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'

export type XmlFields = Record<string, string | string[] | undefined | Record<string, unknown>>

/** `<root><field>value</field>…</root>`; fields that are undefined are left out. */
export function buildXml(root: string, fields: XmlFields): string {
  const body: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) body[name] = value
  return `${DECLARATION}${builder.build({ [root]: body }) as string}`
}

/** The array form BatchBook documents for adding several tags: `<tags type='array'><tag>a</tag>…</tags>`. */
export function buildTagsXml(names: string[]): string {
  return `${DECLARATION}${builder.build({ tags: { '@_type': 'array', tag: names } }) as string}`
}

export function buildTagXml(name: string): string {
  return `${DECLARATION}${builder.build({ tag: name }) as string}`
}
