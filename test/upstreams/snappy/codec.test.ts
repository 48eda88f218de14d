import { describe, expect, it } from 'vitest'
import {
  SnappyDecodeError,
  idOf,
  optionalFlag,
  optionalTime,
  requiredTime,
} from '../../../src/upstreams/snappy/codec.js'
import { htmlToText, looksLikeHtml, noteBody } from '../../../src/upstreams/snappy/html.js'
import { remoteTicket } from '../../../src/upstreams/snappy/mapping/remote.js'
import { toConversation } from '../../../src/upstreams/snappy/mapping/tickets.js'

describe('Snappy times', () => {
  it('reads Unix seconds and zone-less datetimes as ISO 8601 UTC', () => {
    expect(optionalTime(1367934047, 't')).toBe('2013-05-07T13:40:47.000Z')
    expect(optionalTime('1367934047', 't')).toBe('2013-05-07T13:40:47.000Z')
    expect(optionalTime('2013-05-08 11:15:47', 't')).toBe('2013-05-08T11:15:47.000Z')
    expect(optionalTime(null, 't')).toBeNull()
    expect(optionalTime('0000-00-00 00:00:00', 't')).toBeNull()
  })

  it('refuses impossible or unknown times', () => {
    for (const bad of ['2014-02-31 10:00:00', '2014-09-22 25:00:00', 'yesterday', -5, 1.5, {}]) {
      expect(() => optionalTime(bad, 't')).toThrow(SnappyDecodeError)
    }
    expect(() => requiredTime(undefined, 'created_at')).toThrow('created_at is missing')
  })
})

describe('Snappy values', () => {
  it('reads ids and flags in the forms Snappy sends them', () => {
    expect(idOf(3249, 'id')).toBe('3249')
    expect(idOf('3249', 'id')).toBe('3249')
    expect(() => idOf('../x', 'id')).toThrow(SnappyDecodeError)
    expect(() => idOf(-1, 'id')).toThrow(SnappyDecodeError)
    expect([true, 1, '1', 0, false, null].map((v) => optionalFlag(v, 'f'))).toEqual([
      true,
      true,
      true,
      false,
      false,
      null,
    ])
  })
})

describe('note content', () => {
  it('takes staff HTML as HTML whatever `using_html` says, and makes clean text of it', () => {
    const html =
      '<p>Hi John,</p>\n<p>Fixed &amp; deployed.<br />\nSee <a href="https://status.example.com">status</a>.</p>\n'
    expect(looksLikeHtml(html)).toBe(true)
    expect(noteBody(html)).toEqual({
      text: 'Hi John,\n\nFixed & deployed.\nSee status [https://status.example.com].',
      html,
    })
  })

  it('leaves customers’ plain text alone, angle brackets included', () => {
    for (const text of [
      'Press <enter> twice',
      'if a<b and b>c',
      'Mail me at <john@example.com>',
      'What about $SUBJECT_UUID$?',
    ]) {
      expect(noteBody(text)).toEqual({ text, html: null })
    }
  })

  it('drops scripts and styles from the text', () => {
    expect(htmlToText('<p>ok</p><script>alert(1)</script><style>p{color:red}</style>')).toBe('ok')
  })
})

describe('tickets', () => {
  const ticket = {
    id: 1,
    account_id: 3,
    mailbox_id: 3,
    created_via: 'email',
    last_reply_by: 'customer',
    last_reply_at: 1368011747,
    opened_by_staff_id: 9,
    opened_by_contact_id: null,
    opened_at: 1367934047,
    status: 'waiting',
    first_staff_reply_at: '2013-05-07 13:41:06',
    default_subject: 'Re: Welcome to Snappy',
    summary: 'Message summary',
    created_at: 1367934047,
    updated_at: '2013-05-08 11:15:47',
    unread: true,
    tags: ['@ian'],
    contacts: [
      {
        id: 4,
        account_id: 3,
        first_name: 'John',
        last_name: 'Smith',
        value: 'john.smith@gmail.com',
        provider: 'email',
        created_at: '2013-05-07 13:40:47',
        updated_at: '2013-05-07 13:40:47',
        type: 'from',
      },
    ],
    mailbox: { id: 3, address: 'hello@help.besnappy.com', smtp: 'smtp://user:secret@mail', signature: 'sig' },
    opener: {
      id: 9,
      email: 'ian@userscape.com',
      first_name: 'Ian',
      remember_token: 'tok',
      apple_device_token: 'dev',
      sms_number: '+1555',
      mobile_notify: 1,
    },
  }

  it('maps the documented ticket, with a null nonce when none is sent', () => {
    const c = toConversation(ticket, 'snappy')
    expect(c).toMatchObject({
      remoteId: '1',
      nonce: null,
      status: 'waiting',
      subject: 'Re: Welcome to Snappy',
      summary: 'Message summary',
      tags: ['@ian'],
      unread: true,
      openedAt: '2013-05-07T13:40:47.000Z',
      lastReplyAt: '2013-05-08T11:15:47.000Z',
      lastReplyBy: 'customer',
      createdAt: '2013-05-07T13:40:47.000Z',
      updatedAt: '2013-05-08T11:15:47.000Z',
    })
    expect(c.contacts).toEqual([
      {
        role: 'from',
        name: 'John Smith',
        address: 'john.smith@gmail.com',
        contactId: expect.stringMatching(/^ctc_/),
        kind: 'contact',
      },
    ])
    expect(c.remote).toBeUndefined()
  })

  it('keeps only allow-listed fields in the remote record', () => {
    const { data } = remoteTicket(ticket)
    const json = JSON.stringify(data)
    for (const secret of [
      'smtp',
      'secret',
      'remember_token',
      'apple_device_token',
      'sms_number',
      'mobile',
      'tok',
      'signature',
    ])
      expect(json).not.toContain(secret)
    expect(data).toMatchObject({
      id: 1,
      default_subject: 'Re: Welcome to Snappy',
      opener: { id: 9, email: 'ian@userscape.com', first_name: 'Ian' },
    })
  })
})
