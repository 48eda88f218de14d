/** Conversations in the replica, as the conversation routes read and write them. */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { StoredConversation } from '../replica/conversations.js'
import type { EventOrigin } from '../replica/events.js'
import type { Conversation } from '../schemas/conversation.js'
import type { SnappyAdapter } from '../upstreams/snappy/adapter.js'
import { conversationId } from '../upstreams/snappy/mapping/tickets.js'
import { isNonce } from '../upstreams/snappy/resource.js'
import { decodeId } from '../ids.js'
import { replicaOr, replicaServes } from './replica-reads.js'
import { writeThrough } from './replica-writes.js'

/**
 * The stored conversation a request names, when the replica serves its connection; null
 * otherwise (a reference by nonce is the upstream's to resolve).
 */
export async function storedConversation(
  app: FastifyInstance,
  adapter: SnappyAdapter,
  ticket: string,
): Promise<StoredConversation | null> {
  const replica = app.replica
  if (replica === null || isNonce(ticket) || !(await replicaServes(replica, [adapter.connection.name]))) return null
  // The store gone away meanwhile: the upstream answers instead.
  const id = conversationId(adapter.connection.name, ticket)
  return (
    (await replicaOr(
      () => replica.conversations.get(id),
      async () => undefined,
    )) ?? null
  )
}

/**
 * Keeps a conversation read or written through the gateway. Its account and queues stay as
 * the sync last saw them (a status change may move it out of a queue: the next pass says).
 */
export async function storeConversation(
  request: FastifyRequest,
  conversation: Conversation,
  origin: EventOrigin,
): Promise<void> {
  await writeThrough(request, 'a conversation', async (replica) => {
    const stored = await replica.conversations.get(conversation.id)
    // A mailbox id carries its account.
    const account = stored?.account ?? decodeId('mailbox', conversation.mailboxId, 2).parts[0]
    if (account === undefined) return
    await replica.conversations.upsert(conversation, { account, queues: stored?.queues ?? [] }, origin)
  })
}
