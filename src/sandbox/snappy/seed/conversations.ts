/**
 * Support conversations the seeded tickets are cut from. Subjects deliberately carry `<`,
 * `&`, `"` and non-ASCII text; staff turns are written as plain text and stored rendered,
 * customer turns stay plain text. `private` turns are internal staff notes.
 */
interface Turn {
  by: 'customer' | 'staff'
  text: string
  private?: boolean
}

export interface Conversation {
  subject: string
  tags: string[]
  /** Billing conversations go to the billing mailbox of their account when it has one. */
  billing?: boolean
  turns: Turn[]
}

export const CONVERSATIONS: Conversation[] = [
  {
    subject: 'Invoice #1042 shows R0.00 & VAT "pending"',
    tags: ['#billing'],
    billing: true,
    turns: [
      {
        by: 'customer',
        text: 'Hi,\n\nOur invoice #1042 shows a total of R0.00 and the VAT line just says "pending". Can you resend it?',
      },
      { by: 'staff', text: 'Looks like the tax service timed out when the invoice was generated.', private: true },
      {
        by: 'staff',
        text: 'Sorry about that! I have regenerated invoice #1042 & attached the corrected PDF.\n\nLet us know if anything still looks off.',
      },
      {
        by: 'customer',
        text: 'Thanks, that one is right. Could you also add our VAT number (4123456789) to future invoices?',
      },
      { by: 'staff', text: 'Done: the VAT number now appears on all invoices from October.' },
      { by: 'customer', text: 'Perfect, thank you!' },
    ],
  },
  {
    subject: 'Widget <iframe> not loading on Safari',
    tags: ['#bug', '#widget'],
    turns: [
      {
        by: 'customer',
        text: 'The help widget stays blank on Safari 7. The console says: Refused to display in a frame because it set X-Frame-Options to SAMEORIGIN.',
      },
      {
        by: 'staff',
        text: 'Thanks for the report. Which page is the <iframe> embedded on? A URL would help us reproduce it.',
      },
      { by: 'customer', text: 'It is on https://shop.example.com/help — only Safari, Chrome works fine.' },
      { by: 'staff', text: 'Reproduced on Safari 7.0.6, escalating to the widget team.', private: true },
      {
        by: 'staff',
        text: 'We found it: Safari blocks third-party cookies in frames. A fix ships on Thursday; until then the "Open in new window" link works.',
      },
    ],
  },
  {
    subject: 'Can\'t log in — "token expired" error',
    tags: ['#login'],
    turns: [
      {
        by: 'customer',
        text: 'Every time I try to log in I get "token expired" even straight after resetting my password.',
      },
      {
        by: 'staff',
        text: 'Could you clear your cookies for our domain and try once more? An old session cookie can cause exactly this.',
      },
      { by: 'customer', text: 'Cleared them, same thing. I am on Firefox 32 on Windows 7.' },
      { by: 'staff', text: 'Thank you. I have reset your sessions on our side; please try again now.' },
    ],
  },
  {
    subject: 'Résumé upload fails for files > 5MB',
    tags: ['#uploads'],
    turns: [
      { by: 'customer', text: 'Uploading my résumé (6.2 MB PDF) fails with a generic error. Smaller files work.' },
      { by: 'staff', text: 'The limit is 5 MB at the moment. Could you compress the PDF or send it as a link?' },
      { by: 'customer', text: 'Compressed it to 3 MB and it went through. Maybe show the limit on the form?' },
    ],
  },
  {
    subject: 'Question about data retention (POPI)',
    tags: ['#privacy'],
    turns: [
      { by: 'customer', text: 'How long do you keep message history? We need to comply with POPI.' },
      { by: 'staff', text: 'Check with legal before answering this one.', private: true },
      {
        by: 'staff',
        text: 'Messages are kept for 24 months and can be deleted on request. Our data processing agreement has the details.',
      },
    ],
  },
  {
    subject: 'Réservation annulée sans préavis',
    tags: ['#fr'],
    turns: [
      {
        by: 'customer',
        text: "Bonjour, ma réservation du 12 septembre a été annulée sans préavis. Pouvez-vous m'expliquer pourquoi ?",
      },
      {
        by: 'staff',
        text: "Bonjour, toutes nos excuses. Le créneau a été supprimé par erreur ; nous l'avons rétabli.",
      },
    ],
  },
  {
    subject: 'SMS notifications arriving twice',
    tags: ['#sms', '#bug'],
    turns: [
      { by: 'customer', text: 'Since Monday every SMS reminder arrives twice, about a minute apart.' },
      {
        by: 'staff',
        text: 'Thanks for flagging this. We had a retry misconfigured on one gateway and have switched it off.',
      },
      { by: 'customer', text: 'Still getting doubles this morning :(' },
      { by: 'staff', text: 'Second gateway had the same setting.', private: true },
      { by: 'staff', text: 'Found a second gateway with the same problem; fixed now. Sorry for the noise!' },
      { by: 'customer', text: 'Confirmed, only one SMS today. Thanks.' },
    ],
  },
  {
    subject: 'Export contacts to CSV?',
    tags: ['#feature-request'],
    turns: [
      { by: 'customer', text: 'Is there a way to export all our contacts to CSV (with UTF-8 names)?' },
      {
        by: 'staff',
        text: 'Not from the UI yet, but the API can list them. I have added your vote to the export feature.',
      },
    ],
  },
  {
    subject: 'Refund for duplicate charge',
    tags: ['#billing', '#refund'],
    billing: true,
    turns: [
      { by: 'customer', text: 'We were charged twice for September (two charges of $49 on the 1st).' },
      {
        by: 'staff',
        text: 'Sorry about that, the second charge has been refunded. It can take 5–7 business days to show.',
      },
      { by: 'customer', text: 'Got it, thanks for the quick help.' },
    ],
  },
  {
    subject: 'Webhook payload missing "ticket_id"',
    tags: ['#api', '#bug'],
    turns: [
      {
        by: 'customer',
        text: 'Our webhook receives {"event":"reply"} but no "ticket_id" field since yesterday. Did the format change?',
      },
      { by: 'staff', text: "Regression from Tuesday's deploy, rollback requested.", private: true },
      {
        by: 'staff',
        text: 'Yes, a regression on our side removed it. It is back as of 14:05 UTC; events from the gap can be replayed on request.',
      },
      { by: 'customer', text: 'Please replay them for 10:00–14:05 UTC.' },
    ],
  },
  {
    subject: 'Account owner change',
    tags: ['#account'],
    turns: [
      { by: 'customer', text: 'Our account owner left the company. How do we transfer ownership to me?' },
      {
        by: 'staff',
        text: 'We can do that once the current owner confirms by e-mail, or with a signed letter on company letterhead if they cannot.',
      },
      { by: 'customer', text: 'They cannot be reached, I will send the letter today.' },
    ],
  },
  {
    subject: '日本語の件名が文字化けします',
    tags: ['#i18n', '#bug'],
    turns: [
      { by: 'customer', text: '返信メールの件名が文字化けしています。UTF-8 で送っています。' },
      { by: 'staff', text: 'Thanks! We reproduced the garbled subject and are fixing the header encoding (RFC 2047).' },
    ],
  },
  {
    subject: 'Downtime alert: api.example.com < 99.9% uptime',
    tags: ['#monitoring'],
    turns: [
      { by: 'customer', text: 'ALERT: api.example.com availability 99.72% over the last 24h (threshold 99.9%).' },
    ],
  },
  {
    subject: 'Thank you & a small suggestion',
    tags: [],
    turns: [
      {
        by: 'customer',
        text: 'Just wanted to say thanks for the great support this month. One idea: keyboard shortcuts for "reply & close"?',
      },
      { by: 'staff', text: 'Thank you, that made our day! Keyboard shortcuts are on the roadmap.' },
    ],
  },
]
