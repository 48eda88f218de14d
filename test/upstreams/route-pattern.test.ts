import { describe, expect, it } from 'vitest'
import { BATCHBOOK_PATHS } from '../../src/upstreams/batchbook/wire.js'
import { route } from '../../src/upstreams/route-pattern.js'
import { SNAPPY_PATHS } from '../../src/upstreams/snappy/wire.js'

describe('upstream route patterns', () => {
  it('keeps the pattern as the simulators register it', () => {
    expect(BATCHBOOK_PATHS.communication.pattern).toBe('/service/communications/:id(^\\d+).xml')
    expect(SNAPPY_PATHS.faqQuestion.pattern).toBe('/account/:id/faqs/:faq/topics/:topic/questions/:question')
    expect(SNAPPY_PATHS.queue('mailbox', 'inbox').pattern).toBe('/mailbox/:id/inbox')
  })

  it('fills in parameters, leaving out their constraints', () => {
    expect(BATCHBOOK_PATHS.communication.path({ id: '42' })).toBe('/service/communications/42.xml')
    expect(BATCHBOOK_PATHS.communicationComment.path({ id: 7, cid: 9 })).toBe(
      '/service/communications/7/comments/9.xml',
    )
    expect(SNAPPY_PATHS.wallComment.path({ id: '1', post: '2', comment: '3' })).toBe('/account/1/wall/2/comment/3')
    expect(SNAPPY_PATHS.queue('account', 'yours').path({ id: '5' })).toBe('/account/5/yours')
  })

  it('needs no parameters for a path without any', () => {
    expect(SNAPPY_PATHS.accounts.path()).toBe('/accounts')
    expect(BATCHBOOK_PATHS.communications.path()).toBe('/service/communications.xml')
  })

  it('refuses to build a path with a parameter missing', () => {
    const contact = route('/account/:id/contacts/:contact')
    // @ts-expect-error -- `contact` is required by the pattern
    expect(() => contact.path({ id: '1' })).toThrow(RangeError)
  })
})
