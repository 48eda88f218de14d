/**
 * What the store keeps. Field names are camelCase and every time is Unix seconds; the
 * serializers turn records into Snappy's snake_case wire shapes with mixed time formats.
 */
import type { Unix } from '../../../upstreams/snappy/wire.js'

export interface AccountRecord {
  id: number
  organization: string
  domain: string
  planId: number
  active: number
  createdAt: Unix
  updatedAt: Unix
  customDomain: string | null
  trialEndsAt: Unix | null
  cancelMessage: string | null
  forwardShown: number
  badgeUrl: string
  lastPaidAt: Unix | null
  invoiced: number | null
  cancelledAt: Unix | null
  isPaid: boolean
  isTrial: boolean
}

/** The staff ↔ account join row; it is what Snappy sends as `pivot`. */
export interface MembershipRecord {
  accountId: number
  staffId: number
  username: string
  owner: number
  admin: number
  lastWallVisit: Unix | null
  defaultLens: string | null
  notify: number
  notifyNew: number
  mobileNotify: number
  mobileNotifyNew: number
}

export interface StaffRecord {
  id: number
  email: string
  smsNumber: string | null
  firstName: string
  lastName: string
  photo: string | null
  culture: string
  notify: number
  createdAt: Unix
  updatedAt: Unix
  signature: string | null
  tourPlayed: number
  timezone: string
  notifyNew: number
  newsReadAt: Unix | null
  appleDeviceToken: string | null
  rememberToken: string | null
  mobileNotify: number
  mobileNotifyNew: number
  mobileViewingAccount: number | null
  verificationToken: string | null
  verified: boolean | null
}

export interface MailboxRecord {
  id: number
  accountId: number
  type: string
  address: string
  display: string
  autoResponding: number | null
  autoResponse: string | null
  active: number
  createdAt: Unix
  updatedAt: Unix
  customAddress: string | null
  theme: string
  signature: string | null
  language: string
  smtpEnabled: number
  smtp: string | null
}

export interface ContactRecord {
  id: number
  accountId: number
  firstName: string
  lastName: string
  value: string
  provider: string
  createdAt: Unix
  updatedAt: Unix
}

export type ContactRole = 'from' | 'to' | 'cc' | 'bcc'
export const CONTACT_ROLES: readonly ContactRole[] = ['from', 'to', 'cc', 'bcc']

export interface ContactLink {
  contactId: number
  type: ContactRole
}

/**
 * Only `waiting` and `replied` appear in the docs; `followup` and `closed` are accepted too
 * so a client can park and finish tickets.
 */
export type TicketStatus = 'waiting' | 'replied' | 'followup' | 'closed'
export const TICKET_STATUSES: readonly TicketStatus[] = ['waiting', 'replied', 'followup', 'closed']

export type NoteScope = 'public' | 'private'

export interface TicketRecord {
  id: number
  nonce: string
  accountId: number
  mailboxId: number
  createdVia: string
  lastReplyBy: 'customer' | 'staff'
  lastReplyAt: Unix
  openedByStaffId: number | null
  openedByContactId: number | null
  openedAt: Unix
  status: TicketStatus
  firstStaffReplyAt: Unix | null
  defaultSubject: string
  summary: string
  createdAt: Unix
  updatedAt: Unix
  unread: boolean
  /** Assignment lives here too: a tag `@username` assigns the ticket to that staff member. */
  tags: string[]
  contacts: ContactLink[]
}

export interface NoteRecord {
  id: number
  accountId: number
  ticketId: number
  facebookMessage: string | null
  createdByStaffId: number | null
  createdByContactId: number | null
  scope: NoteScope
  createdAt: Unix
  updatedAt: Unix
  /** Exactly as served: HTML for staff notes, plain text for customers' notes. */
  content: string
  system: number
  usingHtml: number
  rawHeaders: string | null
  contacts: ContactLink[]
}

/** Bytes live on disk at `filePath`; only metadata is kept in memory. */
export interface StoredFile {
  filename: string
  type: string
  size: number
  storageKey: string
  filePath: string
}

export interface AttachmentRecord extends StoredFile {
  id: number
  accountId: number
  ticketId: number
  noteId: number
  createdAt: Unix
  updatedAt: Unix
}

export interface DocumentRecord extends StoredFile {
  id: number
  accountId: number
  tags: string[]
  createdAt: Unix
  updatedAt: Unix
}

export interface WallPostRecord {
  id: number
  accountId: number
  staffId: number
  type: string
  content: string
  ticketId: number | null
  noteId: number | null
  tags: string[]
  createdAt: Unix
  updatedAt: Unix
}

export interface WallCommentRecord {
  id: number
  postId: number
  staffId: number
  content: string
  createdAt: Unix
  updatedAt: Unix
}

export interface WallLikeRecord {
  id: number
  postId: number
  staffId: number
  createdAt: Unix
  updatedAt: Unix
}

export interface FaqRecord {
  id: number
  accountId: number
  title: string
  url: string
  createdAt: Unix
  updatedAt: Unix
}

export interface TopicRecord {
  id: number
  faqId: number
  topic: string
  order: number
  slug: string
  createdAt: Unix
  updatedAt: Unix
}

export interface QuestionRecord {
  id: number
  accountId: number
  faqId: number
  question: string
  answer: string
  active: number
  topicIds: number[]
  createdAt: Unix
  updatedAt: Unix
}
