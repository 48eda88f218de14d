import type { Message } from '../schemas/message.js'

/**
 * The timeline's order: newest `sentAt` first; ties broken by connection, then by remote id
 * (longer, i.e. larger, numeric ids first), so the order is total and every page boundary
 * is well defined.
 */
export function compareNewestFirst(a: Message, b: Message): number {
  if (a.sentAt !== b.sentAt) return a.sentAt < b.sentAt ? 1 : -1
  if (a.connection !== b.connection) return a.connection < b.connection ? -1 : 1
  if (a.remoteId.length !== b.remoteId.length) return b.remoteId.length - a.remoteId.length
  return a.remoteId < b.remoteId ? 1 : a.remoteId > b.remoteId ? -1 : 0
}
