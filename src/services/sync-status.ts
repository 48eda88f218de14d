/** A connection's sync as `/v1/sources` and the metrics show it. */
import type { Replica } from '../replica/index.js'
import type { Source } from '../schemas/source.js'

export type SyncStatus = NonNullable<Source['sync']>

export async function syncStatus(replica: Replica, connection: string, budgetShare: number): Promise<SyncStatus> {
  const [state, messages, conversations] = await Promise.all([
    replica.state(connection),
    replica.messages.count(connection),
    replica.conversations.count(connection),
  ])
  const lastSuccessAt = state?.lastSuccessAt ?? null
  return {
    state:
      state === undefined
        ? 'pending'
        : state.lastError !== null
          ? 'failing'
          : state.backfilledAt === null
            ? 'backfilling'
            : 'live',
    backfilledAt: state?.backfilledAt ?? null,
    participantsComplete: state?.participantsComplete ?? false,
    records: { messages, conversations },
    lagSeconds:
      lastSuccessAt === null ? null : Math.max(0, Math.floor((Date.now() - Date.parse(lastSuccessAt)) / 1000)),
    lastSuccessAt,
    lastError: state?.lastError ?? null,
    budgetShare,
    upstreamCalls: state?.calls ?? 0,
  }
}
