/**
 * Wire shapes of accounts, staff, mailboxes and contacts, in the key order of recorded
 * traffic. Every time on these objects is a `YYYY-MM-DD HH:MM:SS` string. Staff objects
 * carry the token fields the live service leaks; the gateway is the one that strips them.
 */
import type { AccountRecord, ContactRecord, MailboxRecord, MembershipRecord, StaffRecord } from '../store/records.js'
import { sqlTime, sqlTimeOrNull } from '../../../upstreams/snappy/wire.js'

/** An account as `GET /accounts` sends it, with the caller's membership as `pivot`. */
export function accountJson(account: AccountRecord, membership: MembershipRecord) {
  return {
    id: account.id,
    organization: account.organization,
    domain: account.domain,
    plan_id: account.planId,
    active: account.active,
    created_at: sqlTime(account.createdAt),
    updated_at: sqlTime(account.updatedAt),
    custom_domain: account.customDomain,
    trial_ends_at: sqlTimeOrNull(account.trialEndsAt),
    cancel_message: account.cancelMessage,
    forward_shown: account.forwardShown,
    badge_url: account.badgeUrl,
    last_paid_at: sqlTimeOrNull(account.lastPaidAt),
    invoiced: account.invoiced,
    cancelled_at: sqlTimeOrNull(account.cancelledAt),
    // Seen from the account side the join row lists staff_id first and has default_lens.
    pivot: {
      staff_id: membership.staffId,
      account_id: membership.accountId,
      username: membership.username,
      owner: membership.owner,
      admin: membership.admin,
      last_wall_visit: sqlTimeOrNull(membership.lastWallVisit),
      default_lens: membership.defaultLens,
      notify: membership.notify,
      notify_new: membership.notifyNew,
      mobile_notify: membership.mobileNotify,
      mobile_notify_new: membership.mobileNotifyNew,
    },
    is_paid: account.isPaid,
    is_trial: account.isTrial,
  }
}

function staffFields(staff: StaffRecord) {
  return {
    id: staff.id,
    email: staff.email,
    sms_number: staff.smsNumber,
    first_name: staff.firstName,
    last_name: staff.lastName,
    photo: staff.photo,
    culture: staff.culture,
    notify: staff.notify,
    created_at: sqlTime(staff.createdAt),
    updated_at: sqlTime(staff.updatedAt),
    signature: staff.signature,
    tour_played: staff.tourPlayed,
    timezone: staff.timezone,
    notify_new: staff.notifyNew,
    news_read_at: sqlTimeOrNull(staff.newsReadAt),
    apple_device_token: staff.appleDeviceToken,
    remember_token: staff.rememberToken,
    mobile_notify: staff.mobileNotify,
    mobile_notify_new: staff.mobileNotifyNew,
    mobile_viewing_account: staff.mobileViewingAccount,
    verification_token: staff.verificationToken,
    verified: staff.verified,
  }
}

/** A staff member as `GET /account/{id}/staff` lists them. */
export function staffMemberJson(staff: StaffRecord, membership: MembershipRecord) {
  return {
    ...staffFields(staff),
    // Seen from the staff side the join row lists account_id first and has no default_lens.
    pivot: {
      account_id: membership.accountId,
      staff_id: membership.staffId,
      username: membership.username,
      owner: membership.owner,
      admin: membership.admin,
      last_wall_visit: sqlTimeOrNull(membership.lastWallVisit),
      notify: membership.notify,
      notify_new: membership.notifyNew,
      mobile_notify: membership.mobileNotify,
      mobile_notify_new: membership.mobileNotifyNew,
    },
    address: staff.email,
    username: membership.username,
  }
}

/** A staff member embedded in another object (note creator, wall author): no pivot. */
export function staffJson(staff: StaffRecord) {
  return { ...staffFields(staff), address: staff.email }
}

export function mailboxJson(mailbox: MailboxRecord) {
  return {
    id: mailbox.id,
    account_id: mailbox.accountId,
    type: mailbox.type,
    address: mailbox.address,
    display: mailbox.display,
    auto_responding: mailbox.autoResponding,
    auto_response: mailbox.autoResponse,
    active: mailbox.active,
    created_at: sqlTime(mailbox.createdAt),
    updated_at: sqlTime(mailbox.updatedAt),
    custom_address: mailbox.customAddress,
    theme: mailbox.theme,
    signature: mailbox.signature,
    language: mailbox.language,
    smtp_enabled: mailbox.smtpEnabled,
    smtp: mailbox.smtp,
    local_part: localPart(mailbox.address),
  }
}

function localPart(address: string): string {
  const at = address.indexOf('@')
  return at === -1 ? address : address.slice(0, at)
}

function contactFields(contact: ContactRecord) {
  return {
    id: contact.id,
    account_id: contact.accountId,
    first_name: contact.firstName,
    last_name: contact.lastName,
    value: contact.value,
    provider: contact.provider,
    created_at: sqlTime(contact.createdAt),
    updated_at: sqlTime(contact.updatedAt),
  }
}

/** A contact on its own (lookups, `creator`, `opener`). */
export function contactJson(contact: ContactRecord) {
  return { ...contactFields(contact), address: contact.value }
}

/**
 * A contact as a participant of a note or ticket: the join row as `pivot`, then `address`
 * and the role as `type`.
 */
export function participantJson(contact: ContactRecord, pivot: Record<string, number | string>, type: string) {
  return { ...contactFields(contact), pivot, address: contact.value, type }
}
