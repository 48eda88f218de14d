/**
 * Bulk data on top of the seed (SandboxVolume.communications): a sales team's CRM history
 * over the two years before `asOf`, with more contacts, so searches, filters and paging run
 * against realistic sizes. Ids follow the seeded ones, each communication later than the one
 * before; text comes from templates with varied words (names, products, cities, amounts), so
 * a full-text search finds some records and not others. Deterministic: a fixed generator
 * seed, and no clock but `asOf`.
 */
import { Prng } from '../frame/prng.js'
import type { ResolvedVolume } from '../volume.js'
import type { Ctype, Participant } from './model.js'
import { STAFF_NAMES } from './seed.js'
import type { BatchBookStore } from './store.js'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** The history covers these days before `asOf`, ending a day before it. */
const SPAN_DAYS = 730
/** Office hours in US Eastern, as UTC: 13:00–22:00. */
const OFFICE_START = 13 * HOUR
const OFFICE_MINUTES = 9 * 60

/** One generated contact per this many generated communications, within bounds. */
const COMMUNICATIONS_PER_CONTACT = 25
const MIN_CONTACTS = 20
const MAX_CONTACTS = 5000

const FIRST_NAMES = list(
  'Olivia, Liam, Amara, Noah, Sofia, Mateo, Chloé, Kwame, Ingrid, Ravi, Mei, Diego, Fatima, Lars, Aoife, Tomás, Yuki, Hannah, Omar, Zanele, Elena, Marek, Priya, Jonas, Grace, Ahmed, Leilani, Björn, Nadia, Caleb',
)
const LAST_NAMES = list(
  "Walsh, Okafor, Lindqvist, García, Tanaka, Novak, Mensah, Kowalski, Dubois, Chen, Haddad, Murphy, Schneider, Rossi, Nakamura, Petrov, Silva, Brennan, Adeyemi, Jensen, O'Brien, Fischer, Kaur, Moreau, Van der Berg, Ivanova, Costa, Hughes, Yilmaz, Park",
)
const COMPANY_WORDS = list(
  'Acme, Bluebird, Cedar, Harbor, Summit, Pioneer, Maple, Lighthouse, Granite, Juniper, Atlas, Beacon, Copper, Falcon, Meridian, Orchard, Riverstone, Sparrow, Tidewater, Willow',
)
const COMPANY_KINDS = list(
  'Logistics, Dental, Analytics, Bakery, Consulting, Foods, Health, Labs, Media, Outfitters, Realty, Robotics, Solar, Studios, Travel',
)
const COMPANY_SUFFIXES = ['Inc.', 'LLC', 'Ltd', 'GmbH', 'Co.', 'S.A.', '& Sons', 'Group'] as const

const TOPICS = list(
  'onboarding, renewal, pricing, API access, data import, training session, contract, security questionnaire, custom fields, mailing list sync, quarterly review, pilot project, migration from spreadsheets, mobile app rollout, reporting dashboard, invoice dispute, single sign-on, upgrade to Pro, webinar follow-up, referral program',
)
const PRODUCTS = ['Starter plan', 'Pro plan', 'Enterprise tier', 'Contacts add-on', 'Reports add-on'] as const
const CITIES = list(
  'Boston, Austin, Toronto, Denver, Chicago, Seattle, Atlanta, Montréal, Portland, Raleigh, London, Dublin, Berlin, Lisbon, Cape Town, Melbourne',
)
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'] as const

/** What a template may fill in. */
interface Slots {
  contact: string
  first: string
  company: string
  topic: string
  product: string
  city: string
  weekday: string
  seats: number
  amount: string
  number: number
  /** First name of the staff member writing. */
  staff: string
}
type Template = (s: Slots) => string

const SUBJECTS: Record<Ctype, Template[]> = {
  Email: [
    (s) => `Re: ${s.topic} for ${s.company}`,
    (s) => `${capitalize(s.topic)}: next steps`,
    (s) => `Follow-up on ${s.topic}`,
    (s) => `Fwd: questions about the ${s.product}`,
    (s) => `Proposal: ${s.seats} seats of the ${s.product}`,
    (s) => `Invoice #${s.number} (${s.amount})`,
    (s) => `Meeting in ${s.city} on ${s.weekday}`,
    (s) => `Re: Re: ${s.topic} timeline`,
    (s) => `Welcome aboard, ${s.first}!`,
    (s) => `${s.company} — ${s.topic}`,
  ],
  Note: [
    (s) => `${capitalize(s.topic)} notes`,
    (s) => `Internal: ${s.company} ${s.topic} risk`,
    (s) => `Meeting notes — ${s.company}`,
    (s) => `Deal update: ${s.product}`,
    (s) => `Research on ${s.company}`,
  ],
  Phone: [
    (s) => `Call with ${s.contact} about ${s.topic}`,
    (s) => `Voicemail from ${s.contact}`,
    (s) => `${capitalize(s.topic)} check-in call`,
    (s) => `Discovery call: ${s.company}`,
    (s) => `Missed call from ${s.first}`,
  ],
  Chat: [
    (s) => `Chat: ${s.topic} question`,
    (s) => `Live chat with ${s.contact}`,
    (s) => `Support chat #${s.number}`,
    (s) => `Quick question about the ${s.product}`,
  ],
}

const OPENINGS: Record<Ctype, Template[]> = {
  Email: [(s) => `Hi ${s.first},`, (s) => `Hello ${s.first},`, () => 'Hi all,', (s) => `Dear ${s.contact},`],
  Note: [() => '', () => 'Internal note.'],
  Phone: [() => '', (s) => `Spoke with ${s.first} for 20 minutes.`],
  Chat: [(s) => `${s.first}: hi, quick question.`, () => 'Visitor started a chat from the pricing page.'],
}
const SENTENCES: Template[] = [
  (s) => `Thanks for your time on ${s.weekday} to talk through the ${s.topic}.`,
  (s) => `${s.company} wants ${s.seats} seats on the ${s.product}, starting next quarter.`,
  (s) => `Budget for the ${s.topic} is around ${s.amount}; approval expected by ${s.weekday}.`,
  (s) => `They currently track leads in spreadsheets and shared inboxes in the ${s.city} office.`,
  (s) => `Invoice #${s.number} for ${s.amount} is attached; payment terms are net 30.`,
  (s) => `${s.first} asked whether the ${s.product} includes API access and custom fields.`,
  (s) => `Next step: schedule a training session for the ${s.city} team.`,
  (s) => `Their IT department sent a security questionnaire (${s.number % 90} questions) to fill in.`,
  (s) => `Competitor pricing came up again; ${s.company} is also evaluating two other CRMs.`,
  (s) => `Renewal is due in ${(s.number % 11) + 1} months; usage is up since the last review.`,
  (s) => `Importing about ${s.seats * 120} contacts from their old system went smoothly.`,
  () => 'Sent the comparison sheet & the case study they asked for.',
  (s) => `${s.first} will loop in their finance lead before signing the contract.`,
  (s) => `Reported a bug in the reporting dashboard: totals differ from the export (ref #${s.number}).`,
  (s) => `Mailing list sync with their newsletter tool stopped on ${s.weekday}; reconnected it.`,
  (s) => `Pilot project with ${s.seats} users in ${s.city} ends in four weeks.`,
  () => 'Asked for a discount for a two-year commitment; we can offer 10% at most.',
  (s) => `Follow up on ${s.weekday} morning if we have not heard back.`,
]
const CLOSINGS: Record<Ctype, Template[]> = {
  Email: [
    (s) => `Best,\n${s.staff}`,
    (s) => `Cheers,\n${s.staff}`,
    (s) => `Kind regards,\n${s.staff}`,
    () => 'Thanks!',
  ],
  Note: [() => ''],
  Phone: [() => '', () => 'Will call back next week.'],
  Chat: [() => 'Chat ended by visitor.', () => 'Sent the how-to link.'],
}

const EXTRA_TAGS = ['renewal', 'churn risk', 'enterprise', 'webinar', 'onboarding', 'upsell'] as const
const SEED_TAGS = ['lead', 'customer', 'follow up', 'q3 pricing', 'cool', 'vip', 'needs review', 'partner'] as const
const TAG_NAMES: readonly string[] = [...SEED_TAGS, ...EXTRA_TAGS]

const COMMENTS = [
  'Good call, let us send the final deck.',
  'Agreed & done.',
  'Can you loop in finance?',
  'Ping me when they reply.',
  'Follow up next week, not urgent.',
  'Looks good 👍',
  'They signed! 🎉',
  'I know their CTO from a previous job, happy to make an intro.',
  'Moved the renewal call to Thursday.',
  'Price approved up to 15% off.',
] as const

/** Adds generated communications until the store holds `volume.communications`. */
export function seedVolume(store: BatchBookStore, volume: ResolvedVolume): void {
  const count = volume.communications - store.communicationCount
  if (count <= 0) return
  const prng = new Prng(20240101)
  const seedPeople = store.listContacts().filter((c) => c.kind === 'person')
  const contacts = createContacts(store, prng, count)
  const people = [...seedPeople, ...contacts.filter((c) => c.kind === 'person')]

  const spanEnd = volume.asOf - DAY
  const start = spanEnd - SPAN_DAYS * DAY
  const step = (spanEnd - start) / count
  const cap = (t: number) => Math.min(t, volume.asOf)

  for (let i = 0; i < count; i++) {
    // Skewed towards the first contacts: some customers come up far more often than others.
    const contact = contacts[Math.floor(prng.next() ** 2 * contacts.length)] as GeneratedContact
    const ctype = pickCtype(prng)
    const slots = slotsFor(prng, contact)
    const subject = prng.pick(SUBJECTS[ctype])(slots)
    const body = bodyFor(prng, ctype, slots)

    const date = officeHours(prng, start + (i + prng.next()) * step)
    const createdAt = cap(
      date + (ctype === 'Note' ? prng.int(0, 2) : prng.int(1, 90)) * MINUTE + prng.int(0, 59) * SECOND,
    )
    let updatedAt = cap(prng.chance(0.25) ? createdAt + prng.int(1, 20) * DAY : createdAt + prng.int(0, 30) * SECOND)

    const participants = prng.chance(0.85) ? participantsFor(prng, ctype, contact.id, people) : undefined
    const tags = prng.chance(0.5) ? pickTags(prng) : undefined
    const comments: { at: number; text: string; user: string }[] = []
    if (prng.chance(0.2)) {
      let at = createdAt
      for (let n = prng.int(1, 3); n > 0; n--) {
        at = cap(at + prng.int(1, 48) * HOUR + prng.int(0, 3599) * SECOND)
        comments.push({ at, text: prng.pick(COMMENTS), user: prng.pick(STAFF_NAMES) })
      }
      updatedAt = Math.max(updatedAt, at)
    }

    const created = store.createCommunication({ subject, body, date, ctype, createdAt, updatedAt, participants, tags })
    for (const comment of comments)
      store.createComment({
        recordId: created.id,
        comment: comment.text,
        user: comment.user,
        createdAt: comment.at,
        touch: false,
      })
  }
}

interface GeneratedContact {
  id: number
  kind: 'person' | 'company'
  name: string
  first: string
  company: string
}

function createContacts(store: BatchBookStore, prng: Prng, communications: number): GeneratedContact[] {
  const count = Math.min(MAX_CONTACTS, Math.max(MIN_CONTACTS, Math.ceil(communications / COMMUNICATIONS_PER_CONTACT)))
  const out: GeneratedContact[] = []
  for (let i = 0; i < count; i++) {
    const company = `${prng.pick(COMPANY_WORDS)} ${prng.pick(COMPANY_KINDS)} ${prng.pick(COMPANY_SUFFIXES)}`
    if (prng.chance(0.65)) {
      const first = prng.pick(FIRST_NAMES)
      const name = `${first} ${prng.pick(LAST_NAMES)}`
      out.push({ id: store.createContact({ kind: 'person', name }).id, kind: 'person', name, first, company })
    } else {
      // Still someone there to talk to.
      const first = prng.pick(FIRST_NAMES)
      out.push({
        id: store.createContact({ kind: 'company', name: company }).id,
        kind: 'company',
        name: company,
        first,
        company,
      })
    }
  }
  return out
}

function pickCtype(prng: Prng): Ctype {
  const r = prng.next()
  return r < 0.45 ? 'Email' : r < 0.65 ? 'Note' : r < 0.85 ? 'Phone' : 'Chat'
}

function slotsFor(prng: Prng, contact: GeneratedContact): Slots {
  const seats = prng.int(2, 60)
  return {
    contact: contact.name,
    first: contact.first,
    company: contact.company,
    topic: prng.pick(TOPICS),
    product: prng.pick(PRODUCTS),
    city: prng.pick(CITIES),
    weekday: prng.pick(WEEKDAYS),
    seats,
    amount: `USD ${thousands(seats * prng.pick([29, 49, 99]) * 12)}.00`,
    number: prng.int(1000, 99999),
    staff: prng.pick(STAFF_NAMES).split(' ')[0] as string,
  }
}

function bodyFor(prng: Prng, ctype: Ctype, slots: Slots): string {
  // A few calls end in a voicemail with no notes, as in the seed.
  if (ctype === 'Phone' && prng.chance(0.05)) return ''
  const lines = [prng.pick(OPENINGS[ctype])(slots)]
  const first = prng.int(0, SENTENCES.length - 1)
  const sentences = prng.int(1, 4)
  // Consecutive templates (wrapping round): varied, never the same sentence twice.
  for (let k = 0; k < sentences; k++) lines.push((SENTENCES[(first + k * 5) % SENTENCES.length] as Template)(slots))
  lines.push(prng.pick(CLOSINGS[ctype])(slots))
  return lines.filter((line) => line !== '').join(ctype === 'Email' ? '\n\n' : '\n')
}

/** A moment during office hours on the day of `at`, moved back to Friday when that day is a weekend. */
function officeHours(prng: Prng, at: number): number {
  let day = Math.floor(at / DAY) * DAY
  const weekday = new Date(day).getUTCDay()
  if (weekday === 6) day -= DAY
  else if (weekday === 0) day -= 2 * DAY
  return day + OFFICE_START + prng.int(0, OFFICE_MINUTES) * MINUTE + prng.int(0, 59) * SECOND
}

/** As the seed does: the contact on one side, one of our people on the other, sometimes a cc. */
function participantsFor(
  prng: Prng,
  ctype: Ctype,
  contactId: number,
  people: readonly { id: number }[],
): Participant[] {
  const inbound = prng.chance(0.5)
  const list: Participant[] = [{ contactId, role: inbound ? 'from' : 'to' }]
  const colleague = prng.pick(people).id
  if (ctype !== 'Note' && colleague !== contactId) list.push({ contactId: colleague, role: inbound ? 'to' : 'from' })
  if (ctype === 'Email' && prng.chance(0.3)) {
    const cc = prng.pick(people).id
    if (cc !== contactId && cc !== colleague) list.push({ contactId: cc, role: prng.chance(0.7) ? 'cc' : 'bcc' })
  }
  return list
}

function pickTags(prng: Prng): string[] {
  const first = prng.pick(TAG_NAMES)
  if (!prng.chance(0.3)) return [first]
  const second = prng.pick(TAG_NAMES)
  return second === first ? [first] : [first, second]
}

/** `19992` → `19,992`. */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',')
}

/** A word list written as one comma-separated string. */
function list(text: string): readonly string[] {
  return text.split(', ')
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
