/**
 * Which upstream a connection's records came from. The store keys everything by connection
 * name, so a gateway pointed at another upstream under the same name (another base URL, and so
 * another BatchBook account) would otherwise serve the old records as live. The fingerprint
 * names the source and the base URL (never a credential); a Snappy key that now sees other
 * accounts altogether is recognised by its sync when it reads the accounts (see snappy.ts).
 */
import type { ConnectionConfig } from '../config.js'
import type { Store } from '../store/index.js'

export function upstreamFingerprint(connection: Pick<ConnectionConfig, 'source' | 'baseUrl'>): string {
  const url = new URL(connection.baseUrl)
  url.username = ''
  url.password = ''
  return `${connection.source} ${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

/**
 * Drops the records of every connection whose store was filled from another upstream, before
 * anything is served from it (the sync checks again when it loads a state, for a store that
 * was unreachable at start). Calls `onChanged` for each connection dropped.
 */
export async function forgetOtherUpstreams(
  store: Store,
  connections: readonly ConnectionConfig[],
  onChanged: (connection: string, was: string, now: string) => void,
): Promise<void> {
  for (const connection of connections) {
    const state = await store.states.get(connection.name)
    const now = upstreamFingerprint(connection)
    if (state?.upstream == null || state.upstream === now) continue
    await store.forgetConnection(connection.name)
    onChanged(connection.name, state.upstream, now)
  }
}
