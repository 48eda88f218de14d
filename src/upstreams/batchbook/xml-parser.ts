/**
 * The entity decoding both ends of the BatchBook wire use (the gateway's reader in xml.ts and
 * the simulator's request parser below): the five predefined XML entities and numeric
 * character references (Rails writes non-ASCII text as `&#233;`), and nothing else. Entities
 * a document declares in a DOCTYPE are never expanded; they stay literal text.
 */
import { type EntityDecoderOptions, XMLParser } from 'fast-xml-parser'

const PREDEFINED: Record<string, string> = { amp: '&', apos: "'", gt: '>', lt: '<', quot: '"' }
const REFERENCE = /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(amp|apos|gt|lt|quot));/g

/** A code point XML allows in text; anything else becomes U+FFFD. */
function xmlChar(codePoint: number): string {
  const allowed =
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  return allowed ? String.fromCodePoint(codePoint) : '\ufffd'
}

/** Decodes the references above in raw text or attribute values; the rest stays as it is. */
export function decodeXmlEntities(text: string): string {
  return text.indexOf('&') === -1
    ? text
    : text.replace(REFERENCE, (_all, dec?: string, hex?: string, name?: string) =>
        name !== undefined ? (PREDEFINED[name] as string) : xmlChar(dec !== undefined ? Number(dec) : parseInt(hex as string, 16)),
      )
}

const xmlEntityDecoder: EntityDecoderOptions = {
  setExternalEntities: () => undefined,
  addInputEntities: () => undefined,
  reset: () => undefined,
  setXmlVersion: () => undefined,
  decode: decodeXmlEntities,
}

/**
 * The parser the simulator reads request bodies with: attributes kept (Rails' `type`), values left as strings ("007" is
 * a subject, not the number 7), text kept exactly (bodies may end in spaces or newlines),
 * declarations and processing instructions dropped, only the entities above decoded, and
 * nesting bounded.
 */
export function createBatchBookXmlParser(): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: true,
    entityDecoder: xmlEntityDecoder,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: 32,
    // No callback here reads tag paths, so the parser need not build one string per tag.
    jPath: false,
  })
}
