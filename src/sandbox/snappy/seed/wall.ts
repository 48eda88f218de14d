/**
 * Forty wall posts (thirty in 3249, ten in 3088), some pointing at a ticket, with comments
 * and likes from colleagues; more than one page, so `?after=` has something to page through.
 */
import type { Prng } from '../ids.js'
import type { SnappyStore } from '../store/index.js'
import { fromSqlTime } from '../../../upstreams/snappy/wire.js'
import { MEMBERS, PRAEKELT_ACCOUNT, WCL_ACCOUNT } from './identities.js'

const SEEDED_WALL_POSTS = 40

const POSTS = [
  "Morning all! Queue is at 12 waiting, let's get it under 5 before lunch.",
  'Reminder: the billing mailbox auto-reply now promises 1 business day & we need to keep that.',
  'Heads up: Safari widget bug is confirmed, use the "Open in new window" workaround.',
  'Who is on call this weekend?',
  'New canned response for POPI questions is in Documents → canned-responses.txt',
  'Shipped: invoices now include the customer VAT number.',
  'Great save on the duplicate charge ticket today 👏',
  'Can someone double-check the French reply on the réservation ticket?',
  'Webhook regression rolled back; replays requested for 10:00–14:05 UTC.',
  'Tip: tag a ticket with @yourname to put it in your queue.',
  'Our first-response time this week: 2h 14m (target < 4h).',
  "Please don't paste customer passwords into private notes <ever>.",
]

const COMMENTS = [
  'Nice!',
  'On it.',
  'Thanks for the heads up.',
  'I can take that one.',
  '+1',
  'Done ✔',
  'Will do after lunch & report back.',
]

export function seedWall(store: SnappyStore, prng: Prng): void {
  let at = fromSqlTime('2014-09-02 07:30:00')
  for (let i = 0; i < SEEDED_WALL_POSTS; i++) {
    const accountId = i % 4 === 3 ? PRAEKELT_ACCOUNT : WCL_ACCOUNT
    const members = MEMBERS[accountId] ?? []
    at += prng.int(2 * 3600, 14 * 3600)
    const tickets = store.tickets.ticketsOf(accountId).filter((t) => t.createdAt < at)
    const ticket = i % 5 === 2 && tickets.length > 0 ? prng.pick(tickets) : undefined
    const note = ticket === undefined ? undefined : store.tickets.notesOf(ticket.id).at(-1)
    const post = store.wall.createPost({
      accountId,
      staffId: prng.pick(members),
      type: ticket === undefined ? 'post' : 'ticket',
      content: ticket === undefined ? (POSTS[i % POSTS.length] as string) : `Worth a read: "${ticket.defaultSubject}"`,
      ticketId: ticket?.id ?? null,
      noteId: note?.id ?? null,
      tags: i % 6 === 0 ? ['announcement'] : i % 7 === 1 ? ['tips', 'process'] : [],
      createdAt: at,
    })
    const comments = prng.int(0, 3)
    for (let c = 0; c < comments; c++) {
      store.wall.addComment({
        postId: post.id,
        staffId: prng.pick(members),
        content: prng.pick(COMMENTS),
        createdAt: at + (c + 1) * 900,
      })
    }
    for (const staffId of members)
      if (staffId !== post.staffId && prng.chance(0.4)) store.wall.like(post.id, staffId, at + 1800)
  }
}
