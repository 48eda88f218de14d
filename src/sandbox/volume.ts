/**
 * How much data the simulators hold beyond their small hand-written seed, so tests and
 * benchmarks can run against realistic sizes. The extra records are generated from fixed
 * generator seeds: the same volume and `asOf` always give the same records.
 */
export interface SandboxVolume {
  /**
   * BatchBook communications in total, the 60 seeded ones included; the rest are generated,
   * spread over the two years before `asOf`. Less than the seed count adds nothing.
   */
  communications?: number
  /**
   * Snappy tickets that are open (status `waiting`, so in the account and mailbox queues) in
   * total, over both accounts; the seeded waiting ones count. The rest are generated, spread
   * over the accounts' mailboxes, some assigned (`@username`) and some not.
   */
  tickets?: number
  /** Notes on each generated Snappy ticket, from its customer and the staff (default 2, at least 1). */
  notesPerTicket?: number
  /**
   * Where the generated history ends (epoch ms); nothing generated is later. Defaults to the
   * start of the current UTC day, so the data is identical all day and never in the future.
   */
  asOf?: number
}

const DAY_MS = 86_400_000

/** The checked volume: counts are non-negative integers, absent ones 0. */
export interface ResolvedVolume {
  communications: number
  tickets: number
  notesPerTicket: number
  asOf: number
}

/** Fills in the defaults and rejects what cannot be generated (RangeError). */
export function resolveVolume(volume: SandboxVolume, now: () => number = Date.now): ResolvedVolume {
  const count = (name: keyof SandboxVolume, value: number | undefined, fallback: number, min = 0): number => {
    if (value === undefined) return fallback
    if (!Number.isSafeInteger(value) || value < min)
      throw new RangeError(`volume.${name} must be an integer of at least ${min}, got ${value}`)
    return value
  }
  const asOf = volume.asOf ?? Math.floor(now() / DAY_MS) * DAY_MS
  if (!Number.isFinite(asOf)) throw new RangeError(`volume.asOf must be epoch milliseconds, got ${volume.asOf}`)
  return {
    communications: count('communications', volume.communications, 0),
    tickets: count('tickets', volume.tickets, 0),
    notesPerTicket: count('notesPerTicket', volume.notesPerTicket, 2, 1),
    asOf: Math.floor(asOf / 1000) * 1000,
  }
}
