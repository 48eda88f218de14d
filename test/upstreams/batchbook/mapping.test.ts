import { describe, expect, it } from 'vitest'
import { decodeId } from '../../../src/ids.js'
import { toMessage } from '../../../src/upstreams/batchbook/mapping.js'
import { decodeXml } from '../../../src/upstreams/batchbook/xml.js'

// The Show example of the vendor doc, verbatim.
const SEED_SHOW = `<communication>
  <id type="integer">69522</id>
  <subject>Re: Hi again!</subject>
  <body>The body of the email</body>
  <date>2010-05-28 10:53:00 -0400</date>
  <ctype>Email</ctype>
  <tags type="array">
  </tags>
  <mega_comments type="array">
  </mega_comments>
  <created_at>Fri May 28 14:53:32 UTC 2010</created_at>
  <updated_at>Fri May 28 14:53:44 UTC 2010</updated_at>
</communication>`

// The tag and comment shapes documented on the vendor's tags and comments pages.
const WITH_TAGS_AND_COMMENTS = `<communication>
  <id type="integer">64019</id>
  <subject>Call about renewal</subject>
  <body>Discussed the &lt;Q3&gt; plan</body>
  <date>2010-10-10 11:00:00 -0400</date>
  <ctype>Phone</ctype>
  <tags type="array"><tag><id type="integer">424</id><name>cool</name><supertag type="boolean">false</supertag></tag><tag name="big deal"/></tags>
  <mega_comments type="array"><mega_comment><id type="integer">199</id><comment>Best comment ever</comment><user>Eric Krause</user><created_at type="datetime">2010-10-10 15:06:27 -0400</created_at><record_id type="integer">64019</record_id></mega_comment></mega_comments>
  <created_at>Sun Oct 10 15:01:00 UTC 2010</created_at>
  <updated_at>Sun Oct 10 19:06:27 UTC 2010</updated_at>
</communication>`

describe('BatchBook communication → Message', () => {
  it('maps the documented Show example exactly', () => {
    const message = toMessage(decodeXml(SEED_SHOW, 65536).value, 'batchbook')
    expect(message).toEqual({
      id: message.id,
      source: 'batchbook',
      connection: 'batchbook',
      remoteId: '69522',
      conversationId: null,
      kind: 'email',
      visibility: null,
      subject: 'Re: Hi again!',
      body: { text: 'The body of the email', html: null },
      sentAt: '2010-05-28T14:53:00.000Z',
      createdAt: '2010-05-28T14:53:32.000Z',
      updatedAt: '2010-05-28T14:53:44.000Z',
      author: null,
      participants: [],
      participantsStatus: 'pending',
      tags: [],
      comments: [],
      attachments: [],
    })
    expect(decodeId('message', message.id, 1)).toEqual({
      source: 'batchbook',
      connection: 'batchbook',
      parts: ['69522'],
    })
  })

  it('maps the documented tag and comment shapes', () => {
    const message = toMessage(decodeXml(WITH_TAGS_AND_COMMENTS, 65536).value, 'crm')
    expect(message.kind).toBe('phone')
    expect(message.body.text).toBe('Discussed the <Q3> plan')
    expect(message.tags).toEqual(['cool', 'big deal'])
    expect(message.comments).toEqual([
      {
        id: message.comments[0]?.id,
        body: 'Best comment ever',
        author: 'Eric Krause',
        createdAt: '2010-10-10T19:06:27.000Z',
      },
    ])
    expect(decodeId('comment', message.comments[0]?.id ?? '', 2)).toEqual({
      source: 'batchbook',
      connection: 'crm',
      parts: ['64019', '199'],
    })
  })

  it('refuses a record without a numeric id', () => {
    expect(() => toMessage(decodeXml('<communication><id>abc</id></communication>', 65536).value, 'batchbook')).toThrow(
      /id/,
    )
  })
})
