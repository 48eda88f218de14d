/**
 * fast-xml-parser, configured once for both ends of the BatchBook wire: the gateway's reader of
 * BatchBook's answers (`createBatchBookXmlReader`, used by xml.ts) and the simulator's reader of
 * request bodies (`createBatchBookXmlParser`).
 *
 * Entities: fast-xml-parser's own decoder is replaced. Left to itself it expands the entities a
 * document declares in its DOCTYPE (within its expansion limits), decodes character references
 * only with `htmlEntities` (which also turns on the HTML named entities), and `processEntities:
 * false` turns off all decoding, `&amp;` included. The decoder below decodes the five predefined
 * XML entities and numeric character references (Rails writes non-ASCII text as `&#233;`), and
 * nothing else; CDATA sections never reach it. Entities a DOCTYPE declares are handed to
 * `addInputEntities`: the simulator ignores them (they stay literal text), the gateway's reader
 * refuses the document.
 */
import { type EntityDecoderOptions, type X2jOptions, XMLParser } from 'fast-xml-parser'

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
function decodeXmlEntities(text: string): string {
  return text.indexOf('&') === -1
    ? text
    : text.replace(REFERENCE, (_all, dec?: string, hex?: string, name?: string) =>
        name !== undefined
          ? (PREDEFINED[name] as string)
          : xmlChar(dec !== undefined ? Number(dec) : parseInt(hex as string, 16)),
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
 * What both readers share: attributes kept (Rails' `type`), values left as strings ("007" is a
 * subject, not the number 7), text kept exactly (bodies may end in spaces or newlines),
 * declarations and processing instructions dropped, only the entities above decoded, and
 * nesting bounded.
 */
const SHARED: X2jOptions = {
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
}

/** The parser the simulator reads request bodies with (fast-xml-parser's usual object form). */
export function createBatchBookXmlParser(): XMLParser {
  return new XMLParser(SHARED)
}

/**
 * The parser the gateway reads BatchBook's answers with (xml.ts validates the document first and
 * turns the result into its typed value). On top of the shared options:
 * - `preserveOrder`: children come as an ordered list of nodes, so the typed value is built from
 *   them directly (no object form built first and converted again), in document order;
 * - a DOCTYPE refuses the document (xml.ts refuses one before parsing already; this holds should
 *   the parser ever find one that the check did not);
 * - names fast-xml-parser calls dangerous (`toString`, `valueOf`, `hasOwnProperty`, …), which it
 *   would otherwise rename with a `__` prefix, refuse the document instead; `__proto__`,
 *   `constructor` and `prototype` it refuses itself.
 */
export function createBatchBookXmlReader(): XMLParser {
  return new XMLParser({
    ...SHARED,
    preserveOrder: true,
    entityDecoder: {
      ...xmlEntityDecoder,
      addInputEntities: () => {
        throw new Error('document declares a DOCTYPE')
      },
    },
    onDangerousProperty: (name) => {
      throw new Error(`the name '${name}' is not allowed`)
    },
  })
}
