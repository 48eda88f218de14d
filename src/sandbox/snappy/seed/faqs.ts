/** One FAQ per account, each with topics and questions (one question in two topics). */
import type { SnappyStore } from '../store/index.js'
import { fromSqlTime } from '../../../upstreams/snappy/wire.js'
import { PRAEKELT_ACCOUNT, WCL_ACCOUNT } from './identities.js'

export function seedFaqs(store: SnappyStore): void {
  const f = store.faqs
  const wclAt = fromSqlTime('2014-09-17 10:00:00')
  const wcl = f.createFaq({ accountId: WCL_ACCOUNT, title: 'Western Cape Labs Help', url: 'help', createdAt: wclAt })
  const start = f.createTopic({ faqId: wcl.id, topic: 'Getting started', createdAt: wclAt })
  const billing = f.createTopic({ faqId: wcl.id, topic: 'Billing & invoices', createdAt: wclAt })
  f.createQuestion({
    topicIds: [start.id],
    question: 'How do I reset my password?',
    answer: 'Use **Forgot password** on the login page.\n\nThe link in the e-mail is valid for 1 hour.',
    createdAt: wclAt,
  })
  f.createQuestion({
    topicIds: [start.id],
    question: 'Which browsers are supported?',
    answer: 'The latest two versions of Chrome, Firefox & Safari, and IE 10+.',
    createdAt: wclAt + 60,
  })
  f.createQuestion({
    topicIds: [billing.id],
    question: 'Why was I charged VAT?',
    answer: 'South African customers pay 14% VAT. Add your VAT number to have it shown on invoices.',
    createdAt: wclAt + 120,
  })
  f.createQuestion({
    topicIds: [billing.id],
    question: 'Can I pay by EFT?',
    answer: 'Yes. Use your invoice number as the reference.',
    createdAt: wclAt + 180,
  })
  f.createQuestion({
    topicIds: [start.id, billing.id],
    question: 'How do I contact support?',
    answer: 'E-mail hello@wcldemo.besnappy.com or billing@wcldemo.besnappy.com for invoices.',
    createdAt: wclAt + 240,
  })

  const pAt = fromSqlTime('2014-07-21 20:22:12')
  const praekelt = f.createFaq({
    accountId: PRAEKELT_ACCOUNT,
    title: 'Praekelt Support FAQ',
    url: 'faq',
    createdAt: pAt,
  })
  const accounts = f.createTopic({ faqId: praekelt.id, topic: 'Accounts', createdAt: pAt })
  const privacy = f.createTopic({ faqId: praekelt.id, topic: 'Privacy', createdAt: pAt })
  f.createQuestion({
    topicIds: [accounts.id],
    question: 'Pricing and use of multiple accounts',
    answer: 'You may have multiple distinct accounts, each billed separately.',
    createdAt: pAt,
  })
  f.createQuestion({
    topicIds: [accounts.id],
    question: 'How do I transfer account ownership?',
    answer: 'The current owner confirms by e-mail, or send a signed letter on company letterhead.',
    createdAt: pAt + 60,
  })
  f.createQuestion({
    topicIds: [privacy.id],
    question: 'How long is message history kept?',
    answer: 'Messages are kept for 24 months and deleted on request (POPI).',
    createdAt: pAt + 120,
  })
}
