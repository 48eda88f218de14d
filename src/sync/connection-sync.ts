/** What the sync runner drives for each connection, whatever its source. */
import type { SyncState } from '../store/sync-state.js'

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

/**
 * How far back the first poll after a backfill reaches before the backfill began: the
 * upstream's clock and ours may differ, and a change made while the backfill ran must not fall
 * between the two.
 */
export const UPSTREAM_CLOCK_OVERLAP_MS = 5 * 60 * 1000
