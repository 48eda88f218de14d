/**
 * When the store may answer a read, and how old its answer is. A connection's reads come from
 * the store once its backfill is done (with its participants, when the read needs them); until
 * then, while the store is unreachable, or when a client asks for a fresh read, the upstream
 * answers. Only the records layer asks these questions.
 */
import { isStoreOutage } from '../store/availability.js'
import type { Store } from '../store/index.js'

/** Whether the store can answer for all of these connections (and their participants, when asked). */
export async function storeServes(
  store: Store | null,
  connections: readonly string[],
  needsParticipants = false,
): Promise<boolean> {
  if (store === null || connections.length === 0 || !store.available) return false
  try {
    for (const name of connections) {
      const state = await store.state(name)
      if (state?.backfilledAt == null) return false
      if (needsParticipants && !state.participantsComplete) return false
    }
    return true
  } catch {
    // The store does not answer: the upstream path still can.
    return false
  }
}

/**
 * A read from the store, or `upstream()` when the store turns out to be unreachable while it
 * reads (the first request to meet an outage learns it by its deadline; the next know at once
 * and never start here).
 */
export async function storeOr<T>(read: () => Promise<T>, upstream: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (err) {
    if (!isStoreOutage(err)) throw err
    return upstream()
  }
}
