/**
 * Bulk open tickets on top of the seed (SandboxVolume.tickets): enough `waiting` tickets
 * that the two accounts' queues hold `tickets` in all. They are spread over both accounts and
 * their mailboxes (billing questions to WCL's billing mailbox), opened over the 45 days before
 * `asOf` (most of them recently), from new and returning customers, half of them assigned to
 * a member (`@username`, so in that member's `yours` queue) and the rest in the `inbox`.
 *
 * Each has `notesPerTicket` notes with distinct times: the customer opens it, staff and
 * customer take turns, and the customer has the last public word, so it is waiting; a staff
 * note that would come last is an internal (private) note instead. Deterministic: a fixed
 * generator seed, and no clock but `asOf`.
 */
import { Prng } from '../../frame/prng.js'
import type { ResolvedVolume } from '../../volume.js'
import { STAFF_NOTE_USING_HTML } from '../domain/post-note.js'
import type { SnappyStore } from '../store/index.js'
import type { ContactLink } from '../store/records.js'
import { renderStaffHtml, summarize } from '../text.js'
import { toUnix } from '../../../upstreams/snappy/wire.js'
import {
  MEMBERS,
  PRAEKELT_ACCOUNT,
  PRAEKELT_JOBS_MAILBOX,
  PRAEKELT_MAILBOX,
  WCL_ACCOUNT,
  WCL_BILLING_MAILBOX,
  WCL_MAILBOX,
} from './identities.js'

const MINUTE = 60
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** Open tickets are at most this old. */
const WINDOW = 45 * DAY
/** The last note lands at least this long before `asOf`, so no generated time passes it. */
const SLACK = HOUR

/** What a template may fill in. */
interface Slots {
  first: string
  agent: string
  order: number
  amount: string
  browser: string
  device: string
  feature: string
  weekday: string
  minutes: number
}
type Template = (s: Slots) => string

interface Issue {
  subject: Template
  tags: string[]
  billing?: boolean
  opening: Template
}

const ISSUES: Issue[] = [
  {
    subject: (s) => `Charged twice for order #${s.order}`,
    tags: ['#billing', '#refund'],
    billing: true,
    opening: (s) =>
      `Hi,\n\nMy card was charged ${s.amount} twice for order #${s.order} on ${s.weekday}. Please refund one of them.`,
  },
  {
    subject: (s) => `Invoice #${s.order} is missing our VAT number`,
    tags: ['#billing'],
    billing: true,
    opening: (s) => `Hello, invoice #${s.order} (${s.amount}) does not show our VAT number. Can you reissue it?`,
  },
  {
    subject: () => 'Cannot cancel my subscription',
    tags: ['#billing', '#account'],
    billing: true,
    opening: () => 'The "Cancel plan" button on the billing page does nothing. I do not want to be charged next month.',
  },
  {
    subject: (s) => `${s.feature} not loading on ${s.browser}`,
    tags: ['#bug'],
    opening: (s) => `The ${s.feature} page stays blank on ${s.browser} (${s.device}). It worked last week.`,
  },
  {
    subject: () => 'Password reset e-mail never arrives',
    tags: ['#login'],
    opening: (s) =>
      `I requested a password reset three times since ${s.weekday} and no e-mail arrived, not even in spam.`,
  },
  {
    subject: () => 'Locked out after enabling two-factor authentication',
    tags: ['#login', '#security'],
    opening: (s) => `I enabled two-factor authentication and lost my ${s.device}. How do I get back into my account?`,
  },
  {
    subject: (s) => `Export of ${s.feature} data times out`,
    tags: ['#bug', '#export'],
    opening: (s) =>
      `Exporting our ${s.feature} data to CSV runs for ${s.minutes} minutes and then fails with "gateway timeout".`,
  },
  {
    subject: (s) => `Feature request: dark mode for the ${s.feature}`,
    tags: ['#feature-request'],
    opening: (s) => `Our team works night shifts; a dark mode for the ${s.feature} would really help.`,
  },
  {
    subject: () => 'Webhook deliveries failing with 401',
    tags: ['#api', '#bug'],
    opening: (s) =>
      `Since ${s.weekday} every webhook delivery to our endpoint fails with 401. We did not change the secret.`,
  },
  {
    subject: () => 'SMS reminders sent at the wrong time',
    tags: ['#sms'],
    opening: (s) => `Reminders go out ${s.minutes} minutes late; our time zone is set to Africa/Johannesburg.`,
  },
  {
    subject: (s) => `How do I add a colleague to the ${s.feature}?`,
    tags: ['#question'],
    opening: (s) => `Hi! How do I give a new colleague access to the ${s.feature}? I could not find it in settings.`,
  },
  {
    subject: () => 'Application for the junior developer position',
    tags: ['#jobs'],
    opening: () =>
      'Good day,\n\nPlease find my CV attached for the junior developer vacancy. I am available immediately.',
  },
  {
    subject: () => 'Upload fails for files over 10 MB',
    tags: ['#uploads', '#bug'],
    opening: (s) => `Uploading a 12 MB PDF from my ${s.device} fails with a generic error; small files work.`,
  },
  {
    subject: (s) => `Data deletion request (order #${s.order})`,
    tags: ['#privacy'],
    opening: () => 'Under POPIA I ask you to delete all personal data you hold about me. Please confirm when done.',
  },
]

const FOLLOW_UPS: Template[] = [
  () => 'Any update on this? It is still happening.',
  (s) => `I tried that on ${s.browser} as well, same result.`,
  () => 'Thanks, but that did not fix it for me.',
  (s) => `Following up: we need this sorted before ${s.weekday}.`,
  () => 'Here is a screenshot of the error, in case it helps.',
  (s) => `Still waiting, it has been ${s.minutes} hours now.`,
  () => 'Could someone please call me back? My number is in my profile.',
]
const STAFF_REPLIES: Template[] = [
  (s) => `Hi ${s.first},\n\nThanks for reaching out. Could you tell us which browser and device you are using?`,
  (s) =>
    `Hi ${s.first},\n\nSorry about the trouble! We are looking into it and will get back to you shortly.\n\n${s.agent}`,
  (s) => `Thanks ${s.first}. Could you try clearing your cache and logging in again?`,
  (s) => `Hi ${s.first}, I have passed this on to our engineers; I will update you by ${s.weekday}.`,
  () => 'Thanks for your patience. Could you send us the exact time this happened, so we can check the logs?',
]
const INTERNAL_NOTES: Template[] = [
  (s) => `Checked the logs: errors started ${s.weekday} around 14:00.`,
  () => 'Escalating to the platform team.',
  (s) => `Same issue as order #${s.order}, probably the payment gateway.`,
  () => 'Waiting on finance before answering this one.',
  (s) => `Reproduced on ${s.browser}. Not urgent.`,
]

const FIRST_NAMES = list(
  'Thabo, Naledi, Johan, Ayesha, Lerato, Pieter, Nomvula, Ravi, Chipo, Samuel, Amahle, Mohammed, Elena, Kwame, Lindiwe, Farah, Daniel, Precious, Yusuf, Zinhle, Tariq, Sophie, Bongani, Ines, Lebo',
)
const LAST_NAMES = list(
  'Nkosi, van Wyk, Botha, Naidoo, Dlamini, Mahlangu, Pillay, Smit, Mokoena, Adams, Khumalo, Petersen, Govender, Daniels, Mthembu, Jacobs, Ndlovu, Coetzee, Ismail, Sithole',
)
const DOMAINS = list('gmail.com, yahoo.co.za, outlook.com, icloud.com, example.co.za, example.org, mweb.co.za')
const BROWSERS = list('Chrome 126, Firefox 128, Safari 17, Edge 126, Samsung Internet')
const DEVICES = list('iPhone, Android phone, Windows laptop, MacBook, iPad, Chromebook')
const FEATURES = list('reports, calendar, contacts, inbox, dashboard, invoices, team settings')
const WEEKDAYS = list('Monday, Tuesday, Wednesday, Thursday, Friday, Saturday')

interface Account {
  id: number
  /** Share of the generated tickets. */
  share: number
  issues: Issue[]
  mailbox: (issue: Issue, prng: Prng) => number
}

const isJobs = (issue: Issue) => issue.tags.includes('#jobs')

const ACCOUNTS: Account[] = [
  {
    id: WCL_ACCOUNT,
    share: 0.6,
    issues: ISSUES.filter((issue) => !isJobs(issue)),
    mailbox: (issue) => (issue.billing === true ? WCL_BILLING_MAILBOX : WCL_MAILBOX),
  },
  {
    id: PRAEKELT_ACCOUNT,
    share: 0.4,
    issues: ISSUES,
    // Praekelt has no billing mailbox; applications go to its vacancies mailbox.
    mailbox: (issue, prng) => (isJobs(issue) || prng.chance(0.1) ? PRAEKELT_JOBS_MAILBOX : PRAEKELT_MAILBOX),
  },
]

/** Adds waiting tickets until the queues hold `volume.tickets` in all. */
export function seedVolume(store: SnappyStore, volume: ResolvedVolume): void {
  const { tickets } = store
  const count = volume.tickets - tickets.tickets.filter((t) => t.status === 'waiting').length
  if (count <= 0) return
  const prng = new Prng(20240102)
  const end = toUnix(volume.asOf) - SLACK
  const used = new Set<number>()
  /** `at`, or the next free second: no two generated notes share a time. */
  const distinct = (at: number) => {
    let t = at
    while (used.has(t)) t++
    used.add(t)
    return t
  }
  // Opening times first, oldest first, so ids grow with time as in a database.
  const openings = Array.from({ length: count }, () => end - 10 * MINUTE - Math.floor(prng.next() ** 1.5 * WINDOW))
  openings.sort((a, b) => a - b)
  const customers = new Customers(store, prng)

  for (const opened of openings) {
    const account = prng.next() < (ACCOUNTS[0] as Account).share ? (ACCOUNTS[0] as Account) : (ACCOUNTS[1] as Account)
    const issue = prng.pick(account.issues)
    const members = MEMBERS[account.id] ?? []
    const agentId = prng.pick(members)
    const agent = store.directory.membership(account.id, agentId)?.username ?? ''
    const assigned = prng.chance(0.5)
    const openedAt = distinct(opened)
    const customer = customers.next(account.id, openedAt)
    const cc = prng.chance(0.15) ? customers.other(account.id, customer.id) : undefined
    const staff = store.directory.staff.get(agentId)
    const slots: Slots = {
      first: customer.firstName || 'there',
      agent: staff?.firstName ?? agent,
      order: prng.int(10_000, 99_999),
      amount: `R${prng.int(49, 2_499)}.00`,
      browser: prng.pick(BROWSERS),
      device: prng.pick(DEVICES),
      feature: prng.pick(FEATURES),
      weekday: prng.pick(WEEKDAYS),
      minutes: prng.int(2, 90),
    }
    const createdVia = prng.next() < 0.6 ? 'email' : prng.chance(0.6) ? 'widget' : 'api'
    const ticket = tickets.createTicket({
      mailboxId: account.mailbox(issue, prng),
      createdVia,
      openedByContactId: customer.id,
      openedAt,
      createdAt: openedAt,
      defaultSubject: issue.subject(slots),
      tags: [...issue.tags, ...(assigned ? [`@${agent}`] : [])],
      contacts: [
        { contactId: customer.id, type: 'from' },
        ...(cc === undefined ? [] : [{ contactId: cc, type: 'cc' as const }]),
      ],
    })

    const notes = volume.notesPerTicket
    // Room for every gap, whatever the opening time.
    const maxGap = Math.max(1, Math.min(20 * HOUR, Math.floor((end - openedAt) / notes)))
    let at = openedAt
    let lastCustomer = { at: openedAt, text: '' }
    for (let k = 0; k < notes; k++) {
      if (k > 0) at = distinct(at + prng.int(Math.min(10 * MINUTE, maxGap), maxGap))
      const byStaff = k % 2 === 1
      const isPrivate = byStaff && k === notes - 1
      const text =
        k === 0
          ? issue.opening(slots)
          : prng.pick(byStaff ? (isPrivate ? INTERNAL_NOTES : STAFF_REPLIES) : FOLLOW_UPS)(slots)
      const people: ContactLink[] = isPrivate ? [] : [{ contactId: customer.id, type: byStaff ? 'to' : 'from' }]
      if (!isPrivate && cc !== undefined) people.push({ contactId: cc, type: 'cc' })
      tickets.createNote({
        ticketId: ticket.id,
        createdByStaffId: byStaff ? (isPrivate ? prng.pick(members) : agentId) : null,
        createdByContactId: byStaff ? null : customer.id,
        scope: isPrivate ? 'private' : 'public',
        content: byStaff ? renderStaffHtml(text) : text,
        usingHtml: STAFF_NOTE_USING_HTML,
        rawHeaders:
          byStaff || createdVia !== 'email'
            ? null
            : `Message-ID: <${ticket.nonce}.${k}@mail.example.com>\r\nContent-Type: text/plain; charset=UTF-8`,
        contacts: people,
        createdAt: at,
      })
      if (!byStaff) lastCustomer = { at, text }
      else if (!isPrivate) ticket.firstStaffReplyAt ??= at
    }
    Object.assign(ticket, {
      status: 'waiting',
      lastReplyBy: 'customer',
      lastReplyAt: lastCustomer.at,
      summary: summarize(lastCustomer.text),
      unread: prng.chance(0.7),
      updatedAt: Math.min(at + prng.int(5, 600), end + SLACK),
    })
  }
}

/** The customers tickets come from: new contacts, and returning ones of the same account. */
class Customers {
  readonly #store: SnappyStore
  readonly #prng: Prng
  /** Contact ids per account, existing ones first; all older than any ticket still to come. */
  readonly #pool = new Map<number, number[]>()
  readonly #addresses = new Set<string>()

  constructor(store: SnappyStore, prng: Prng) {
    this.#store = store
    this.#prng = prng
    for (const contact of store.directory.contacts.all()) {
      this.#addresses.add(`${contact.accountId}:${contact.value.toLowerCase()}`)
      const pool = this.#pool.get(contact.accountId)
      if (pool === undefined) this.#pool.set(contact.accountId, [contact.id])
      else pool.push(contact.id)
    }
  }

  /** A returning customer now and then, otherwise a new contact created just before `openedAt`. */
  next(accountId: number, openedAt: number) {
    const pool = this.#pool.get(accountId) ?? []
    const directory = this.#store.directory
    if (pool.length > 0 && this.#prng.chance(0.4)) {
      const returning = directory.contacts.get(this.#prng.pick(pool))
      if (returning !== undefined && returning.createdAt < openedAt) return returning
    }
    const firstName = this.#prng.pick(FIRST_NAMES)
    const lastName = this.#prng.pick(LAST_NAMES)
    const domain = this.#prng.pick(DOMAINS)
    const local = `${fold(firstName)}.${fold(lastName)}`
    let value = `${local}@${domain}`
    for (let n = 2; this.#addresses.has(`${accountId}:${value}`); n++) value = `${local}${n}@${domain}`
    this.#addresses.add(`${accountId}:${value}`)
    const contact = directory.createContact({
      accountId,
      firstName,
      lastName,
      value,
      createdAt: openedAt - this.#prng.int(1, 30),
    })
    pool.push(contact.id)
    this.#pool.set(accountId, pool)
    return contact
  }

  /** Someone else of the account to copy in, if there is anyone. */
  other(accountId: number, not: number): number | undefined {
    const pool = (this.#pool.get(accountId) ?? []).filter((id) => id !== not)
    return pool.length === 0 ? undefined : this.#prng.pick(pool)
  }
}

/** `Van Wyk` → `vanwyk`, `Zoë` → `zoe`: the local part of an address. */
function fold(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
}

/** A word list written as one comma-separated string. */
function list(text: string): readonly string[] {
  return text.split(', ')
}
