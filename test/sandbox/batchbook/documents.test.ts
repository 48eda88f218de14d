import { describe, expect, it } from 'vitest'
import { call, communicationOf, formBody, locationPath, startSimulator, xmlBody } from './helpers.js'

const SPECIAL_SUBJECT = `Q3 pricing <draft> & "final" numbers`
const SPECIAL_BODY = "Tom's follow-up:\n  margin > 30% & volume < 500\n\"quoted\" 'single'"

const escapeForRequest = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')

async function fullList(origin: string): Promise<string> {
  return (await call(origin, 'GET', '/service/communications.xml?limit=1000')).text
}

describe('BatchBook simulator: documents', () => {
  it('answers application/xml with the XML declaration', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'GET', '/service/communications/69522.xml')
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8')
    expect(res.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<communication>\n')).toBe(true)
  })

  it('writes the communication elements in the documented order', async () => {
    const { origin } = await startSimulator()
    const { text } = await call(origin, 'GET', '/service/communications/69522.xml')
    const topLevel = [...text.matchAll(/^ {2}<([a-z_]+)/gm)].map((m) => m[1])
    expect(topLevel).toEqual([
      'id',
      'subject',
      'body',
      'date',
      'ctype',
      'tags',
      'mega_comments',
      'created_at',
      'updated_at',
    ])
  })

  it('types integers, arrays, booleans and comment datetimes', async () => {
    const { origin } = await startSimulator()
    const text = await fullList(origin)
    expect(text).toMatch(/^<communications type="array">$/m)
    expect(text).toMatch(/<id type="integer">\d+<\/id>/)
    expect(text).toMatch(/<supertag type="boolean">(true|false)<\/supertag>/)
    expect(text).toMatch(/<created_at type="datetime">[^<]+<\/created_at>/)
    expect(text).toMatch(/<record_id type="integer">\d+<\/record_id>/)
  })

  it('writes the documented record exactly as the docs show it, whitespace-only empty arrays included', async () => {
    const { origin } = await startSimulator()
    const { text } = await call(origin, 'GET', '/service/communications/69522.xml')
    expect(text).toContain('  <tags type="array">\n  </tags>\n  <mega_comments type="array">\n  </mega_comments>\n')
  })

  it('uses both empty-array forms across records', async () => {
    const { origin } = await startSimulator()
    const text = await fullList(origin)
    expect(text).toMatch(/<tags type="array">\s+<\/tags>/)
    expect(text).toMatch(/<tags type="array"\/>/)
    expect(text).toMatch(/<mega_comments type="array">\s+<\/mega_comments>/)
    expect(text).toMatch(/<mega_comments type="array"\/>/)
  })

  it('uses the three documented date formats', async () => {
    const { origin } = await startSimulator()
    const text = await fullList(origin)
    expect(text).toMatch(/<date>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} -0[45]00<\/date>/)
    expect(text).toMatch(
      /<created_at>(Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}<\/created_at>/,
    )
    expect(text).toMatch(
      /<updated_at>(Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}<\/updated_at>/,
    )
    expect(text).toMatch(/<created_at type="datetime">\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} -0[45]00<\/created_at>/)
  })

  it('shows winter dates with the -0500 offset', async () => {
    const { sim, origin } = await startSimulator({ seed: false })
    const created = sim.store.createCommunication({ ctype: 'Note', date: Date.UTC(2010, 0, 15, 17, 0, 0) })
    const c = communicationOf((await call(origin, 'GET', `/service/communications/${created.id}.xml`)).text)
    expect(c.date).toBe('2010-01-15 12:00:00 -0500')
  })

  it('escapes the seeded XML special characters', async () => {
    const { origin } = await startSimulator()
    const text = await fullList(origin)
    expect(text).toContain('<subject>Q3 pricing &lt;draft&gt; &amp; &quot;final&quot; numbers</subject>')
    expect(text).toContain('<subject>Tom&apos;s follow-up</subject>')
  })

  it('round-trips XML special characters through create and show unchanged', async () => {
    const { origin } = await startSimulator()
    const res = await call(
      origin,
      'POST',
      '/service/communications.xml',
      xmlBody(
        `<communication><subject>${escapeForRequest(SPECIAL_SUBJECT)}</subject><body>${escapeForRequest(SPECIAL_BODY)}</body><ctype>email</ctype></communication>`,
      ),
    )
    const c = communicationOf((await call(origin, 'GET', locationPath(origin, res))).text)
    expect(c.subject).toBe(SPECIAL_SUBJECT)
    expect(c.body).toBe(SPECIAL_BODY)
  })

  it('round-trips non-ASCII text sent as a form body', async () => {
    const { origin } = await startSimulator()
    const subject = 'Zoë Ångström, Łukasz Wróbel, 山田 太郎 & Ørsted A/S 🎉'
    const form = new URLSearchParams({ 'communication[subject]': subject, 'communication[ctype]': 'note' })
    const res = await call(origin, 'POST', '/service/communications.xml', formBody(form.toString()))
    expect(communicationOf((await call(origin, 'GET', locationPath(origin, res))).text).subject).toBe(subject)
  })

  it('round-trips non-ASCII text sent as XML', async () => {
    const { origin } = await startSimulator()
    const subject = 'José Núñez — réunion à Montréal, 山田さん'
    const res = await call(
      origin,
      'POST',
      '/service/communications.xml',
      xmlBody(`<communication><subject>${subject}</subject><ctype>Email</ctype></communication>`),
    )
    expect(communicationOf((await call(origin, 'GET', locationPath(origin, res))).text).subject).toBe(subject)
  })

  it('never expands entities declared in a DOCTYPE', async () => {
    const { origin } = await startSimulator()
    const doc =
      '<?xml version="1.0"?>\n<!DOCTYPE communication [<!ENTITY secret "EXPANDED">]>\n<communication><subject>&secret;</subject><ctype>note</ctype></communication>'
    const res = await call(origin, 'POST', '/service/communications.xml', xmlBody(doc))
    expect(res.status).toBe(201)
    const c = communicationOf((await call(origin, 'GET', locationPath(origin, res))).text)
    expect(c.subject).toBe('&secret;')
  })

  it('answers 415 for a JSON body', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'POST', '/service/communications.xml', {
      body: '{"communication":{"ctype":"note"}}',
      contentType: 'application/json',
    })
    expect(res.status).toBe(415)
  })

  it('reads XML sent without a Content-Type', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'POST', '/service/communications.xml', {
      body: '<communication><ctype>chat</ctype></communication>',
    })
    expect(res.status).toBe(201)
  })
})
