/**
 * Realistic, deterministic sample data: a small sales team's CRM history from 2008 to 2011.
 * It deliberately contains what breaks naive clients: XML special characters, apostrophes,
 * non-ASCII and non-Latin names, multi-line bodies, tag names with spaces, records without
 * tags or comments, and two communications with the same date. Variation comes from a PRNG
 * with a fixed seed, so every run (and every test) sees the same records.
 */
import { Prng } from '../frame/prng.js'
import type { Ctype, ParticipantRole } from './model.js'
import type { BatchBookStore, CommunicationInput, ContactInput } from './store.js'

/** The account's staff; comments are written by them. The first token acts as the first. */
export const STAFF_NAMES = ['Eric Krause', 'Dana Whitfield', 'Hiroko Sato', 'Marcus Oyelaran'] as const

const CONTACTS: ContactInput[] = [
  { id: 1, kind: 'person', name: "Pamela O'Hara" },
  { id: 2, kind: 'company', name: 'BatchBlue Software' },
  { id: 3, kind: 'person', name: 'José Núñez' },
  { id: 4, kind: 'person', name: 'Matt Gillooly' },
  { id: 5, kind: 'person', name: 'Zoë Ångström' },
  { id: 6, kind: 'person', name: 'Łukasz Wróbel' },
  { id: 7, kind: 'person', name: '山田 太郎' },
  { id: 8, kind: 'company', name: 'Ørsted A/S' },
  { id: 9, kind: 'company', name: 'Fox & Hound <Holdings> Ltd' },
  { id: 10, kind: 'person', name: 'Priya Natarajan' },
  { id: 11, kind: 'company', name: 'Café Müller GmbH' },
  { id: 12, kind: 'person', name: 'Siobhán Ní Bhriain' },
  { id: 13, kind: 'person', name: 'Dmitri Volkov' },
  { id: 14, kind: 'company', name: 'Northwind Traders' },
  { id: 15, kind: 'person', name: 'Amélie Poulain' },
]
const PEOPLE = CONTACTS.filter((c) => c.kind === 'person').map((c) => c.id as number)

/** Created first so their ids start at 420 in this order (`cool` is 424, as in the docs). */
const TAGS: Array<[name: string, supertag: boolean]> = [
  ['lead', false],
  ['customer', true],
  ['follow up', false],
  ['q3 pricing', false],
  ['cool', false],
  ['vip', false],
  ['needs review', false],
  ['partner', true],
  ['newsletter', false],
  ['trade show 2010', false],
]
const FIRST_TAG_ID = 420

/** A communication's text; `contactId` ties it to the contact it names. */
type Story = [ctype: Ctype, subject: string, body: string, contactId?: number]

// Hand-written communications; the rest are generated from TEMPLATES below.
const STORIES: Story[] = [
  ['Email', 'Welcome to BatchBook!', 'Hi Pamela,\n\nThanks for signing up. Your account is ready.\n\nCheers,\nEric', 1],
  ['Phone', 'Intro call', 'Discussed their current spreadsheet "system" & pain points.'],
  [
    'Email',
    'Q3 pricing <draft> & "final" numbers',
    'Attached: pricing_q3.xls\nRows 1-20 are <draft>; rows 21+ are "final".\nMargin > 30% & volume < 500 units.',
  ],
  ['Note', "Tom's follow-up", "Tom's notes from the booth: wants a demo, budget isn't approved yet."],
  ['Email', 'Réunion à Montréal', 'Bonjour José,\n\nLa réunion est confirmée pour jeudi à 14 h.\n\nÀ bientôt', 3],
  ['Chat', 'Quick question about import', 'Q: can we import vCards?\nA: yes, through Contacts > Import.'],
  ['Email', '山田さんとの打ち合わせ', '山田様\n\n来週の打ち合わせの件、よろしくお願いいたします。', 7],
  ['Note', 'Budget approved 🎉', 'Finance signed off: 12 seats, annual billing.'],
  [
    'Email',
    'Re: Re: Fwd: contract redlines',
    "> Section 4.2 — can we cap liability at 1x fees?\n\nWe can't go below 2x, sorry.",
  ],
  ['Phone', 'Voicemail', ''],
  ['Email', 'Invoice #1042 overdue', 'Hello,\n\nInvoice #1042 (USD 4,200.00) is 30 days past due.\nPlease advise.'],
  [
    'Note',
    'Competitor <Highrise> mentioned',
    'They are comparing us with Highrise & Salesforce; send the comparison sheet.',
  ],
  ['Chat', 'Zoë — login trouble', 'Reset her password; the "Remember me" box was the issue.', 5],
  ['Email', 'Proposal for Ørsted A/S', 'Dear team,\n\nPlease find our proposal attached.\n\nKind regards', 8],
  [
    'Phone',
    'Call with Łukasz re: rollout',
    'Rollout to the Kraków office in two waves: sales first, support in Q4.',
    6,
  ],
  ['Note', 'Trade show booth ideas', '1. Bring the banner\n2. Candy bowl\n3. iPad demo station'],
  ['Email', 'Newsletter: spring 2010', 'What\'s new: custom fields, supertags & a faster "All Contacts" view.'],
  ['Chat', 'Support chat #5531', "Customer asked why dates show -0400.\nExplained the account's time zone setting."],
  [
    'Email',
    'Café Müller — Bestellung',
    'Guten Tag,\n\nanbei die Bestellung für 3 Lizenzen.\n\nMit freundlichen Grüßen',
    11,
  ],
  ['Note', 'Renewal risk', 'Usage dropped < 20% since March. Schedule a check-in.'],
  ['Phone', "Siobhán's callback", 'Wants pricing for 25 seats & a nonprofit discount.', 12],
  ['Email', 'Signed contract', 'Countersigned copy attached. Welcome aboard!'],
  ['Note', 'Lost deal post-mortem', "Went with a cheaper tool.\nLesson: follow up within 48 h, don't wait a week."],
]

const PERSON_TEMPLATES: Array<(name: string) => Story> = [
  (name) => [
    'Email',
    `Following up with ${name}`,
    `Hi ${name},\n\nJust checking in on last week's conversation.\n\nBest`,
  ],
  (name) => ['Phone', `Call with ${name}`, `Talked through onboarding with ${name}. Next step: training session.`],
  (name) => ['Note', `Met ${name} at the conference`, `${name} is interested in the API & integrations.`],
  (name) => ['Chat', `Chat with ${name}`, `${name}: is there a mobile app?\nUs: yes, for iPhone.`],
  (name) => [
    'Email',
    `Demo recap for ${name}`,
    `Thanks for your time today, ${name}.\nSlides: attached.\nQuestions? Just reply.`,
  ],
  (name) => ['Phone', `Missed call from ${name}`, 'Left a voicemail; will try again tomorrow morning.'],
]
const COMPANY_TEMPLATES: Array<(name: string) => Story> = [
  (name) => ['Note', `${name}: account review`, `Reviewed usage and open tickets for ${name}.`],
  (name) => [
    'Email',
    `Quote for ${name}`,
    `Hello,\n\nAs discussed, the quote for ${name} is attached.\nValid for 30 days.`,
  ],
  (name) => ['Phone', `Call with ${name} procurement`, 'Procurement wants net-60 terms; we offered net-45.'],
  (name) => ['Chat', `${name} support chat`, 'Question about exporting reports to CSV.\nSent the how-to link.'],
]

const COMMUNICATION_COUNT = 60
const FIRST_COMMUNICATION_ID = 69480
const FIRST_COMMENT_ID = 190
const DAY = 86_400_000
const MINUTE = 60_000
/** Communications are about STEP apart, from 2008-02-04 onwards, during (Eastern) office hours. */
const START = Date.UTC(2008, 1, 4, 13, 0, 0)
const STEP = 20 * DAY
/** The documented example record keeps its documented id, text and times. */
const DOCUMENTED_ID = 69522
const DOCUMENTED_STORY: Story = ['Email', 'Re: Hi again!', 'The body of the email']

export function seedStore(store: BatchBookStore): void {
  // A fixed generator seed: the data is varied yet identical every run.
  const prng = new Prng(20100528)
  const random = () => prng.next()
  const int = (min: number, max: number) => prng.int(min, max)
  const pick = <T>(list: readonly T[]): T => prng.pick(list)

  for (const contact of CONTACTS) store.createContact(contact)
  store.reserveTagIds(FIRST_TAG_ID)
  for (const [name, supertag] of TAGS) store.tagNamed(name, supertag)

  let storyIndex = 0
  let previousDate = 0
  for (let i = 0; i < COMMUNICATION_COUNT; i++) {
    const id = FIRST_COMMUNICATION_ID + i
    const contact = pick(CONTACTS)
    // Every other record is hand-written until they run out, the rest come from templates.
    let story: Story
    if (id === DOCUMENTED_ID) story = DOCUMENTED_STORY
    else if (i % 2 === 0 && storyIndex < STORIES.length) story = STORIES[storyIndex++] as Story
    else story = pick(contact.kind === 'person' ? PERSON_TEMPLATES : COMPANY_TEMPLATES)(contact.name)
    const [ctype, subject, body] = story
    const contactId = story[3] ?? (contact.id as number)

    // Two neighbours share a date, so the id tie-break of the list order is visible.
    let date = i === 11 ? previousDate : START + i * STEP + int(-8, 8) * DAY + int(0, 9 * 60) * MINUTE
    let createdAt = date + (ctype === 'Note' ? int(0, 2) : int(1, 90)) * MINUTE + int(0, 59) * 1000
    let updatedAt = random() < 0.3 ? createdAt + int(1, 20) * DAY : createdAt + int(0, 30) * 1000
    if (id === DOCUMENTED_ID) {
      date = Date.UTC(2010, 4, 28, 14, 53, 0)
      createdAt = Date.UTC(2010, 4, 28, 14, 53, 32)
      updatedAt = Date.UTC(2010, 4, 28, 14, 53, 44)
    }
    previousDate = date

    const input: CommunicationInput = { id, subject, body, date, ctype, createdAt, updatedAt }
    // The documented example has no tags, comments or participants; most others have some.
    if (id !== DOCUMENTED_ID && random() < 0.85) input.participants = participantsFor(ctype, contactId, pick, random)
    if (id !== DOCUMENTED_ID && random() < 0.5) input.tags = [pick(TAGS)[0], ...(random() < 0.3 ? [pick(TAGS)[0]] : [])]
    if (subject.startsWith('Q3 pricing')) input.tags = ['q3 pricing', 'needs review']
    store.createCommunication(input)

    if (id !== DOCUMENTED_ID && random() < 0.2) {
      const count = int(1, 3)
      let at = createdAt
      for (let n = 0; n < count; n++) {
        at += int(1, 48) * 60 * MINUTE + int(0, 3599) * 1000
        store.createComment({
          id: FIRST_COMMENT_ID + store.listComments().length,
          recordId: id,
          comment: pick(COMMENTS),
          user: pick(STAFF_NAMES),
          createdAt: at,
          // History written after the fact: the record's times stay the seeded ones.
          touch: false,
        })
      }
    }
  }
}

const COMMENTS = [
  'Best comment ever',
  "Good call — let's send the <final> deck.",
  'Agreed & done.',
  'Can you loop in José?',
  'Ping me when they reply.',
  'Follow up next week.\nNot urgent.',
  'Looks good 👍',
] as const

function participantsFor(
  ctype: Ctype,
  contactId: number,
  pick: <T>(list: readonly T[]) => T,
  random: () => number,
): Array<{ contactId: number; role: ParticipantRole }> {
  // Outbound or inbound: the contact is on the other side from one of our people.
  const colleague = pick(PEOPLE.filter((id) => id !== contactId))
  const inbound = random() < 0.5
  const list: Array<{ contactId: number; role: ParticipantRole }> = [{ contactId, role: inbound ? 'from' : 'to' }]
  if (ctype === 'Email' || ctype === 'Chat' || ctype === 'Phone')
    list.push({ contactId: colleague, role: inbound ? 'to' : 'from' })
  if (ctype === 'Email' && random() < 0.5)
    list.push({
      contactId: pick(PEOPLE.filter((id) => id !== contactId && id !== colleague)),
      role: random() < 0.7 ? 'cc' : 'bcc',
    })
  return list
}
