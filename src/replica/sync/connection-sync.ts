/** What the sync runner drives for each connection, whatever its source. */
import type { SyncState } from '../sync-state.js'

export interface ConnectionSync {
  readonly connection: string
  readonly source: string
  /**
   * Does one unit of work (usually one upstream call), updating `state` (its checkpoint, phase
   * and last success) as it goes; the runner stores the state after every step, so a restart
   * resumes after the last step that finished. Returns how long to wait before the next step:
   * 0 while there is work, else the time until the next poll is due.
   */
  step(state: SyncState): Promise<number>
}

/** Overlap for instants compared across clocks (ours and the upstream's). */
export const CLOCK_SKEW_MS = 5 * 60 * 1000
