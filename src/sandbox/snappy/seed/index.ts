/**
 * The sandbox's starting data, deterministic (a fixed generator seed): two accounts, four
 * mailboxes, six staff, thirty contacts, forty tickets with their notes and attachments,
 * six documents, forty wall posts, and an FAQ per account.
 */
import { Prng } from '../ids.js'
import type { SnappyStore } from '../store/index.js'
import { seedContacts } from './contacts.js'
import { seedDocuments } from './documents.js'
import { seedFaqs } from './faqs.js'
import { seedIdentities } from './identities.js'
import { seedTickets } from './tickets.js'
import { seedWall } from './wall.js'

export function seedStore(store: SnappyStore): void {
  const prng = new Prng(20140922)
  seedIdentities(store)
  const contacts = seedContacts(store)
  seedTickets(store, prng, contacts)
  seedDocuments(store)
  seedWall(store, prng)
  seedFaqs(store)
}
