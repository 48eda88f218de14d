import { describe, expect, it } from 'vitest'
import { XmlDecodeError, decodeXml } from '../../../src/upstreams/batchbook/xml.js'

const MAX = 64 * 1024

describe('decodeXml', () => {
  it('applies type attributes and reads both empty-array forms as []', () => {
    const { root, value } = decodeXml(
      `<?xml version="1.0" encoding="UTF-8"?>
<communication>
  <id type="integer">69522</id>
  <flag type="boolean">true</flag>
  <tags type="array">
  </tags>
  <mega_comments type="array"/>
  <gone nil="true"/>
</communication>`,
      MAX,
    )
    expect(root).toBe('communication')
    expect(value).toEqual({ id: 69522, flag: true, tags: [], mega_comments: [], gone: null })
  })

  it('decodes XML entities and numeric character references, keeping text exactly', () => {
    const { value } = decodeXml(
      '<c><subject>Q3 &lt;draft&gt; &amp; &quot;final&quot; Tom&apos;s &#233;t&#xE9; 山田</subject><body> two\nlines </body></c>',
      MAX,
    )
    expect(value).toEqual({ subject: 'Q3 <draft> & "final" Tom\'s été 山田', body: ' two\nlines ' })
  })

  it('keeps CDATA as it is, ignores comments and processing instructions, and keeps repeated elements in order', () => {
    const { value } = decodeXml(
      '<?xml version="1.0"?><!-- note --><c><body><![CDATA[a <b> &amp; c]]></body><tag>one</tag><!-- x --><tag>two</tag><tag>three</tag></c>',
      MAX,
    )
    expect(value).toEqual({ body: 'a <b> &amp; c', tag: ['one', 'two', 'three'] })
  })

  it('reads names that exist on Object.prototype as plain elements, never as inherited values', () => {
    expect(() => decodeXml('<c><toString>x</toString></c>', MAX)).toThrow(XmlDecodeError)
    expect(decodeXml('<c><a>1</a><a>2</a></c>', MAX).value).toEqual({ a: ['1', '2'] })
  })

  it('normalizes line ends and drops a byte order mark, as XML requires', () => {
    expect(decodeXml('\ufeff<c><body>a\r\nb\rc</body></c>', MAX).value).toEqual({ body: 'a\nb\nc' })
  })

  it('keeps attributes other than type and nil as @-keys', () => {
    const { value } = decodeXml('<c><owner kind="person" id="7"/><n type="decimal">1.5</n></c>', MAX)
    expect(value).toEqual({ owner: { '@kind': 'person', '@id': '7' }, n: '1.5' })
  })

  it('reads a one-element array as an array', () => {
    const { value } = decodeXml(
      '<communications type="array"><communication><id type="integer">1</id></communication></communications>',
      MAX,
    )
    expect(value).toEqual([{ id: 1 }])
  })

  it.each([
    ['a DOCTYPE (entity expansion)', '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>'],
    ['an external entity', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'],
    ['a truncated document', '<communications type="array"><communication><id type="integer">1</id>'],
    ['a prototype key', '<communication><__proto__><polluted>yes</polluted></__proto__></communication>'],
    ['a constructor key', '<communication><constructor>x</constructor></communication>'],
    ['a non-integer integer', '<c><id type="integer">12abc</id></c>'],
    ['two roots', '<a/><b/>'],
    ['an end tag that closes another element', '<c><subject>x</body></c>'],
    ['an end tag that closes nothing', '<c></c></d>'],
    ['an attribute without a value', '<c><tags type>x</tags></c>'],
    ['an unquoted attribute value', '<c><tags type=array></tags></c>'],
    ['the same attribute twice', '<c><id type="integer" type="integer">1</id></c>'],
    ['text outside the root element', '<c>x</c>trailing'],
    ['a declaration other than DOCTYPE', '<!ELEMENT c ANY><c/>'],
    ['an invalid element name', '<c><1st>x</1st></c>'],
    ['no root element', '<?xml version="1.0"?>  '],
    ['an end tag cut off at the end', '<c>x</c '],
    ['an unterminated comment after the root', '<c>x</c><!-- x'],
    ['an unterminated CDATA section', '<c/><![CDATA['],
    ['a tag cut off at the end', '<c>x</c><x'],
    ['an end tag with attributes', '<c><a>1</a x="y"></c>'],
    ['an end tag that swallows markup', '<c><a>1</a <b>2</c>'],
    ['a bare < in text', '<c>a < b</c>'],
    ['a bare & in text', '<c>AT&T</c>'],
    ['attributes without whitespace between them', '<c a="1"b="2"/>'],
    ['a slash inside a start tag', '<c><a /type="integer">5</a></c>'],
    ['a comment that ends where it starts', '<c><!--><a>1</a>--></c>'],
    ['a processing instruction ended by > alone', '<c><?x ><evil>1</evil>?></c>'],
    ['an XML declaration after the start', '<c><?xml version="1.0"?></c>'],
  ])('refuses %s', (_what, xml) => {
    expect(() => decodeXml(xml, MAX)).toThrow(XmlDecodeError)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  // What fast-xml-parser's validator lets through, or its parser reads differently, and the reader still refuses.
  it.each([
    ['a declaration inside an element (the parser would read an element named !ELEMENT)', '<c><!ELEMENT x ANY></c>'],
    ['a DOCTYPE inside an element', '<c><!DOCTYPE x></c>'],
    ['a lower-case DOCTYPE', '<!doctype x><c/>'],
    ['two empty root elements of one name', '<a/><a/>'],
    ['two empty root elements', '<a/><b>1</b>'],
    ['a CDATA section after the root element', '<c/><![CDATA[x]]>'],
    ['a long unterminated comment after the root element', '<c>x</c><!-- and the rest never comes'],
    ['a long unterminated CDATA section after the root element', '<c/><![CDATA[and the rest never comes'],
    ['a processing instruction ended by the > of its own <?>', '<c><?><evil>1</evil>?></c>'],
    ['a name fast-xml-parser would rename (valueOf)', '<c><valueOf>x</valueOf></c>'],
    ['a name fast-xml-parser would rename (hasOwnProperty)', '<c><hasOwnProperty>x</hasOwnProperty></c>'],
    [
      'a name on Object.prototype fast-xml-parser lets through (isPrototypeOf)',
      '<c><isPrototypeOf>x</isPrototypeOf></c>',
    ],
    ['a prototype name inside an array', '<c type="array"><__proto__><polluted>yes</polluted></__proto__></c>'],
    ['a prototype name as the root', '<constructor/>'],
    ['a name on Object.prototype inside a nil element', '<c><d nil="true"><toLocaleString/></d></c>'],
  ])('also refuses %s', (_what, xml) => {
    expect(() => decodeXml(xml, MAX)).toThrow(XmlDecodeError)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('keeps the items of an array in document order, whatever their names', () => {
    expect(decodeXml('<c type="array"><a>1</a><b>2</b><a>3</a></c>', MAX).value).toEqual(['1', '2', '3'])
  })

  it('keeps prototype names as plain attribute keys', () => {
    const value = decodeXml('<c><a __proto__="x" constructor="y"/></c>', MAX).value as Record<
      string,
      Record<string, unknown>
    >
    expect(value).toEqual({ a: { '@__proto__': 'x', '@constructor': 'y' } })
    expect(Object.getPrototypeOf(value.a)).toBe(Object.prototype)
  })

  it('decodes only the XML entities and character references, never HTML ones', () => {
    expect(decodeXml('<c a="&lt;&#65;&nbsp;">&copy;&#x1F600;&#0;</c>', MAX).value).toEqual({ '@a': '<A&nbsp;' })
    expect(decodeXml('<c>&copy;&#x1F600;&#0;</c>', MAX).value).toBe('&copy;\u{1F600}\ufffd')
  })

  it('refuses a document over the size limit before parsing it', () => {
    expect(() => decodeXml(`<x>${'a'.repeat(100)}</x>`, 50)).toThrow(/larger than 50 bytes/)
  })

  it('bounds nesting depth', () => {
    expect(() => decodeXml(`${'<a>'.repeat(200)}${'</a>'.repeat(200)}`, MAX)).toThrow(XmlDecodeError)
  })
})
