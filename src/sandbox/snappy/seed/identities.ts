/**
 * Accounts, staff, memberships and mailboxes. Account 3249, mailbox 3642 and staff 58 and
 * 3696 carry exactly the values of recorded traffic (tokens there were redacted to "XXXXX"
 * and stay so); the rest is invented around them: two more staff in 3249, a second account
 * 3088 (the account staff 58 was last viewing on mobile) with its own staff and mailboxes.
 */
import type { SnappyStore } from '../store/index.js'
import { fromSqlTime as t } from '../../../upstreams/snappy/wire.js'

export const WCL_ACCOUNT = 3249
export const PRAEKELT_ACCOUNT = 3088
export const WCL_MAILBOX = 3642
export const WCL_BILLING_MAILBOX = 3643
export const PRAEKELT_MAILBOX = 3590
export const PRAEKELT_JOBS_MAILBOX = 3591
const MIKE = 58
const JEREMY = 3696

/** Member staff ids per account, in listing order. */
export const MEMBERS: Record<number, number[]> = {
  [WCL_ACCOUNT]: [MIKE, JEREMY, 3701, 3702],
  [PRAEKELT_ACCOUNT]: [MIKE, 3703, 3704],
}

export function seedIdentities(store: SnappyStore): void {
  const d = store.directory
  d.createAccount({
    id: WCL_ACCOUNT,
    organization: 'Western Cape Labs (Test)',
    domain: 'wcldemo.besnappy.com',
    planId: 3,
    active: 1,
    createdAt: t('2014-09-16 13:49:36'),
    updatedAt: t('2014-09-16 14:19:37'),
    customDomain: null,
    trialEndsAt: t('2014-09-30 13:49:36'),
    cancelMessage: null,
    forwardShown: 1,
    badgeUrl: '',
    lastPaidAt: null,
    invoiced: null,
    cancelledAt: null,
    isPaid: true,
    isTrial: true,
  })
  d.createAccount({
    id: PRAEKELT_ACCOUNT,
    organization: 'Praekelt Foundation',
    domain: 'praekelt.besnappy.com',
    planId: 2,
    createdAt: t('2014-06-02 08:12:44'),
    updatedAt: t('2014-09-20 09:31:02'),
    customDomain: 'help.praekelt.org',
    trialEndsAt: t('2014-06-16 08:12:44'),
    badgeUrl: 'https://praekelt.besnappy.com/badge.png',
    lastPaidAt: t('2014-09-01 00:00:00'),
    invoiced: 0,
    isPaid: true,
    isTrial: false,
  })

  d.createStaff({
    id: MIKE,
    email: 'mike@westerncapelabs.com',
    smsNumber: '0027841234567',
    firstName: 'Mike',
    lastName: 'Jones',
    culture: 'en',
    notify: 1,
    createdAt: t('2012-12-10 14:25:16'),
    updatedAt: t('2014-09-25 06:57:45'),
    signature: '',
    tourPlayed: 1,
    timezone: 'Africa/Johannesburg',
    notifyNew: 1,
    newsReadAt: t('2014-09-25 06:57:45'),
    appleDeviceToken: 'XXXXX',
    rememberToken: 'XXXXX',
    mobileNotify: 1,
    mobileNotifyNew: 1,
    mobileViewingAccount: PRAEKELT_ACCOUNT,
    verificationToken: 'XXXXX',
    verified: true,
  })
  d.createStaff({
    id: JEREMY,
    email: 'jeremy@praekelt.com',
    smsNumber: null,
    firstName: 'Jeremy',
    lastName: 'Thurgood',
    createdAt: t('2014-09-17 13:02:56'),
    updatedAt: t('2014-09-25 06:40:44'),
    signature: null,
    timezone: 'Africa/Johannesburg',
    notifyNew: 0,
    newsReadAt: t('2014-09-25 06:40:44'),
    appleDeviceToken: null,
    rememberToken: 'XXXXX',
    mobileViewingAccount: null,
    verificationToken: null,
    verified: null,
  })
  d.createStaff({
    id: 3701,
    email: 'nomsa@westerncapelabs.com',
    smsNumber: '0027829876543',
    firstName: 'Nomsa',
    lastName: 'Dlamini',
    createdAt: t('2014-09-16 14:02:11'),
    updatedAt: t('2014-09-24 16:12:09'),
    signature: 'Nomsa\nWestern Cape Labs support',
    timezone: 'Africa/Johannesburg',
    newsReadAt: t('2014-09-24 16:12:09'),
    appleDeviceToken: '3f9a1c0e7b2d4a6f8e1c5b7d9a0f2e4c6b8d0a1f3e5c7b9d1f2a4c6e8b0d2f4a',
    rememberToken: 'W4kq8Zr2Lx0Pn6Tb1Vy9Hc3Js5Md7Fg0Ra2Ue4Io6Ow8Sy1Qh3Kt5Bn7Xm9Cv0',
    mobileViewingAccount: WCL_ACCOUNT,
    verificationToken: '6b1f0c2d9e8a7b3c4d5e6f708192a3b4',
    verified: true,
  })
  d.createStaff({
    id: 3702,
    email: 'siobhan@westerncapelabs.com',
    firstName: 'Siobhán',
    lastName: "O'Connor",
    createdAt: t('2014-09-17 08:45:30'),
    updatedAt: t('2014-09-23 10:01:55'),
    timezone: 'Europe/Dublin',
    newsReadAt: null,
    rememberToken: 'Pq7Rs9Tu1Vw3Xy5Za7Bc9De1Fg3Hi5Jk7Lm9No1Pq3Rs5Tu7Vw9Xy1Za3Bc5De7',
    tourPlayed: 0,
    verified: false,
    verificationToken: 'c0ffee00c0ffee00c0ffee00c0ffee00',
  })
  d.createStaff({
    id: 3703,
    email: 'pieter@praekelt.org',
    smsNumber: '0027731112233',
    firstName: 'Pieter',
    lastName: 'van der Merwe',
    createdAt: t('2014-06-02 08:20:03'),
    updatedAt: t('2014-09-19 12:44:18'),
    signature: '<p>Pieter<br />Praekelt Support</p>',
    timezone: 'Africa/Johannesburg',
    newsReadAt: t('2014-09-19 12:44:18'),
    rememberToken: 'Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9Jj0Kk1Ll2Mm3Nn4Oo5Pp6Qq7Rr8Ss9Tt0Uu',
    mobileViewingAccount: PRAEKELT_ACCOUNT,
    verified: true,
  })
  d.createStaff({
    id: 3704,
    email: 'amara@praekelt.org',
    firstName: 'Amara',
    lastName: 'Okafor',
    createdAt: t('2014-07-14 09:00:00'),
    updatedAt: t('2014-09-22 15:30:00'),
    timezone: 'Africa/Lagos',
    notifyNew: 0,
    newsReadAt: t('2014-09-22 15:30:00'),
    rememberToken: 'Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8Nn7Mm6Ll5Kk4Jj3Ii2Hh1Gg0Ff9',
  })

  d.addMember({ accountId: WCL_ACCOUNT, staffId: MIKE, username: 'mike', owner: 1, admin: 1, lastWallVisit: null })
  d.addMember({
    accountId: WCL_ACCOUNT,
    staffId: JEREMY,
    username: 'jeremy',
    owner: 0,
    admin: 0,
    lastWallVisit: t('2014-09-18 10:41:15'),
  })
  d.addMember({
    accountId: WCL_ACCOUNT,
    staffId: 3701,
    username: 'nomsa',
    admin: 1,
    lastWallVisit: t('2014-09-24 16:05:00'),
  })
  d.addMember({
    accountId: WCL_ACCOUNT,
    staffId: 3702,
    username: 'siobhan',
    lastWallVisit: t('2014-09-23 09:58:12'),
    mobileNotify: 0,
    mobileNotifyNew: 0,
  })
  d.addMember({
    accountId: PRAEKELT_ACCOUNT,
    staffId: MIKE,
    username: 'mike',
    owner: 1,
    admin: 1,
    lastWallVisit: t('2014-09-21 18:22:40'),
    defaultLens: 'yours',
  })
  d.addMember({
    accountId: PRAEKELT_ACCOUNT,
    staffId: 3703,
    username: 'pieter',
    admin: 1,
    lastWallVisit: t('2014-09-19 12:40:00'),
  })
  d.addMember({ accountId: PRAEKELT_ACCOUNT, staffId: 3704, username: 'amara', notifyNew: 0, lastWallVisit: null })

  d.createMailbox({
    id: WCL_MAILBOX,
    accountId: WCL_ACCOUNT,
    type: 'email',
    address: 'hello@wcldemo.besnappy.com',
    display: 'Western Cape Labs (Test)',
    autoResponding: null,
    autoResponse: null,
    active: 1,
    createdAt: t('2014-09-16 13:49:36'),
    updatedAt: t('2014-09-16 13:49:36'),
    customAddress: null,
    theme: 'snappy',
    signature: null,
    language: 'en',
    smtpEnabled: 0,
    smtp: null,
  })
  d.createMailbox({
    id: WCL_BILLING_MAILBOX,
    accountId: WCL_ACCOUNT,
    address: 'billing@wcldemo.besnappy.com',
    display: 'WCL Billing',
    autoResponding: 1,
    autoResponse: 'Thanks, we got your message & will reply within 1 business day.',
    createdAt: t('2014-09-16 14:10:02'),
    updatedAt: t('2014-09-18 09:12:45'),
    signature: '<p>-- <br />Western Cape Labs Billing</p>',
  })
  d.createMailbox({
    id: PRAEKELT_MAILBOX,
    accountId: PRAEKELT_ACCOUNT,
    address: 'support@praekelt.besnappy.com',
    display: 'Praekelt Support',
    autoResponding: 0,
    autoResponse: '',
    createdAt: t('2014-06-02 08:12:44'),
    updatedAt: t('2014-08-11 11:03:27'),
    customAddress: 'support@praekelt.org',
    theme: 'midnight',
    smtpEnabled: 1,
    smtp: '{"host":"smtp.praekelt.org","port":587,"username":"support@praekelt.org","encryption":"tls"}',
  })
  d.createMailbox({
    id: PRAEKELT_JOBS_MAILBOX,
    accountId: PRAEKELT_ACCOUNT,
    address: 'vacancies@praekelt.besnappy.com',
    display: 'Praekelt Vacancies',
    createdAt: t('2014-07-01 10:00:00'),
    updatedAt: t('2014-07-01 10:00:00'),
    language: 'pt',
  })
}
