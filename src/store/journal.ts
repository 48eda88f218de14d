/**
 * What the store must record for writes the upstream accepted while the store was unreachable
 * (the record, its event, the event's webhook deliveries), kept in order in this process until
 * the store is back and replayed before requests use the store again: a write answered 2xx
 * during a store outage still gets its one event and its deliveries.
 *
 * The journal lives in memory: a process that dies before the store comes back loses it, and
 * the sync then finds those changes upstream as it finds any other (their events come from
 * the sync, the deletion of a BatchBook record at its next reconcile).
 */
import type { Store } from './index.js'

export interface JournaledChange {
  /** What the change records, for the log ("a create", "a deletion"). */
  what: string
  apply(store: Store): Promise<unknown>
}

/** Beyond this many changes the oldest are dropped (the sync catches up with them). */
const MAX_ENTRIES = 10_000

export class WriteJournal {
  readonly #entries: JournaledChange[] = []
  #dropped = 0

  get size(): number {
    return this.#entries.length
  }

  /** Changes dropped because the journal was full. */
  get dropped(): number {
    return this.#dropped
  }

  add(change: JournaledChange): void {
    this.#entries.push(change)
    if (this.#entries.length > MAX_ENTRIES) {
      this.#entries.shift()
      this.#dropped++
    }
  }

  /**
   * Applies the changes in order. A change that fails because the store went away again stops
   * the replay (it stays first); one that fails for another reason is reported and dropped, as
   * a write-through that fails is (the sync brings the record back in line).
   */
  async replay(
    store: Store,
    isOutage: (err: unknown) => boolean,
    onDropped: (change: JournaledChange, err: unknown) => void,
  ): Promise<void> {
    for (;;) {
      const change = this.#entries[0]
      if (change === undefined) return
      try {
        await change.apply(store)
      } catch (err) {
        if (isOutage(err)) throw err
        onDropped(change, err)
      }
      this.#entries.shift()
    }
  }
}
